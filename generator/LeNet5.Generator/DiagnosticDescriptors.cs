using System;
using Microsoft.CodeAnalysis;

namespace LeNet5.Generator
{
    /// <summary>Every diagnostic the generator reports. Each is located at the offending value of the architecture file.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "LeNet5.Generator";

        public static readonly DiagnosticDescriptor MalformedJson = new DiagnosticDescriptor(
            id: "LN0001",
            title: "Malformed JSON",
            messageFormat: "The architecture file is not valid JSON: {0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownLayerKind = new DiagnosticDescriptor(
            id: "LN0002",
            title: "Unknown layer kind",
            messageFormat: "Layer '{0}' has unknown kind '{1}'; use one of pad, conv2d, avgpool2d, maxpool2d, subsample2d, dense, rbf",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownActivation = new DiagnosticDescriptor(
            id: "LN0003",
            title: "Unknown activation",
            messageFormat: "Layer '{0}' has unknown activation '{1}'; use one of none, tanh, relu, sigmoid, scaled_tanh",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MissingField = new DiagnosticDescriptor(
            id: "LN0004",
            title: "Missing required field",
            messageFormat: "{0} is missing the required field '{1}'; add it",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidField = new DiagnosticDescriptor(
            id: "LN0005",
            title: "Invalid field value",
            messageFormat: "Field '{0}' must be {1}, but is {2}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NonPositiveSize = new DiagnosticDescriptor(
            id: "LN0006",
            title: "Size out of range",
            messageFormat: "Field '{0}' is {1}; it must be at least {2}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor KernelTooLarge = new DiagnosticDescriptor(
            id: "LN0007",
            title: "Kernel larger than its input",
            messageFormat: "Layer '{0}' has a {1}x{1} kernel but its (padded) input is only {2}x{3}; use a smaller kernel, add padding, or remove a pooling layer before it",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor PoolSizeDoesNotDivide = new DiagnosticDescriptor(
            id: "LN0008",
            title: "Pool size does not divide its input",
            messageFormat: "Layer '{0}' pools {1}x{1} windows but its input is {2}x{3}; choose a size that divides both the height and the width",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateLayerName = new DiagnosticDescriptor(
            id: "LN0009",
            title: "Duplicate layer name",
            messageFormat: "Layer name '{0}' is already used by layer {1} (names are compared ignoring case); give every layer a unique name",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor OutputSizeMismatch = new DiagnosticDescriptor(
            id: "LN0010",
            title: "Final layer does not produce one output per class",
            messageFormat: "The last layer '{0}' produces {1} outputs but 'classes' is {2}; end with a dense layer of {2} units or change 'classes'",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidName = new DiagnosticDescriptor(
            id: "LN0011",
            title: "Invalid name",
            messageFormat: "'{0}' is not a valid name; use a letter or '_' followed by letters, digits or '_'",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownLoss = new DiagnosticDescriptor(
            id: "LN0012",
            title: "Unknown loss",
            messageFormat: "Unknown loss '{0}'; use softmax_cross_entropy or map",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownOptimizer = new DiagnosticDescriptor(
            id: "LN0013",
            title: "Unknown optimizer",
            messageFormat: "Unknown optimizer '{0}'; use sgd, adam or sdlm",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownProperty = new DiagnosticDescriptor(
            id: "LN0014",
            title: "Unknown property",
            messageFormat: "Unknown property '{0}' in {1} is ignored; remove it or check its spelling (expected one of: {2})",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NoLayers = new DiagnosticDescriptor(
            id: "LN0015",
            title: "No layers",
            messageFormat: "'layers' is empty; declare at least one layer, the last one producing the logits",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor FinalActivation = new DiagnosticDescriptor(
            id: "LN0016",
            title: "Final layer has an activation",
            messageFormat: "The last layer '{0}' applies '{1}' to the logits, which the softmax cross-entropy loss does not expect; set its activation to none",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor ValueOutOfRange = new DiagnosticDescriptor(
            id: "LN0017",
            title: "Value out of range",
            messageFormat: "Field '{0}' is {1}; it must be {2}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NetworkTooLarge = new DiagnosticDescriptor(
            id: "LN0018",
            title: "Network too large",
            messageFormat: "Layer '{0}' brings the network to {1} {2}, more than the generated code can index; use fewer filters or units",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateNetworkName = new DiagnosticDescriptor(
            id: "LN0019",
            title: "Duplicate network name",
            messageFormat: "Network name '{0}' is also used by {1}; each architecture file of a project needs its own name, since it names the generated type {0}Network",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor ConnectionTableSize = new DiagnosticDescriptor(
            id: "LN0020",
            title: "Connection table does not match the filters",
            messageFormat: "The connection table has {0} rows but the layer has {1} filters; give one list of input maps per filter",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor EmptyConnections = new DiagnosticDescriptor(
            id: "LN0021",
            title: "Filter without input maps",
            messageFormat: "Row {0} of the connection table must be a non-empty list of input maps; a filter needs at least one input",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateConnection = new DiagnosticDescriptor(
            id: "LN0022",
            title: "Input map listed twice",
            messageFormat: "Input map {0} is listed twice in row {1} of the connection table; list each input map once",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor ConnectionOutOfRange = new DiagnosticDescriptor(
            id: "LN0023",
            title: "Connection to a missing input map",
            messageFormat: "Layer '{0}' connects filter {1} to input map {2}, but its input has only {3} maps (0 to {4})",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor PrototypeSizeMismatch = new DiagnosticDescriptor(
            id: "LN0024",
            title: "Prototype size does not match the input",
            messageFormat: "Prototype {0} of layer '{1}' has {2} values but the layer's input has {3}; every prototype needs one value per input",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownInitialization = new DiagnosticDescriptor(
            id: "LN0025",
            title: "Unknown initialization",
            messageFormat: "Unknown initialization '{0}'; use pytorch or lecun_uniform_2.4",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        private static readonly DiagnosticDescriptor[] All =
        {
            MalformedJson, UnknownLayerKind, UnknownActivation, MissingField, InvalidField, NonPositiveSize,
            KernelTooLarge, PoolSizeDoesNotDivide, DuplicateLayerName, OutputSizeMismatch, InvalidName,
            UnknownLoss, UnknownOptimizer, UnknownProperty, NoLayers, FinalActivation, ValueOutOfRange,
            NetworkTooLarge, DuplicateNetworkName, ConnectionTableSize, EmptyConnections, DuplicateConnection,
            ConnectionOutOfRange, PrototypeSizeMismatch, UnknownInitialization,
        };

        public static DiagnosticDescriptor ById(string id)
        {
            foreach (DiagnosticDescriptor descriptor in All)
            {
                if (descriptor.Id == id)
                {
                    return descriptor;
                }
            }

            throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));
        }
    }
}
