using System;
using Microsoft.CodeAnalysis;

namespace LeNet5.Generator
{
    /// <summary>
    /// Every diagnostic the generator reports. Each is located at the offending value of the architecture file, or at the
    /// weights file for the checks of embedded weights.
    /// </summary>
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

        public static readonly DiagnosticDescriptor ClassNameCount = new DiagnosticDescriptor(
            id: "LN0026",
            title: "Class names do not match the classes",
            messageFormat: "'classNames' lists {0} names but 'classes' is {1}; give one name per class, in the order of the outputs",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        // LN0027 to LN0036 are reported at a weights file declared by a LeNet5Weights item (see build/LeNet5.Generator.targets).
        public static readonly DiagnosticDescriptor WeightsNotReadable = new DiagnosticDescriptor(
            id: "LN0027",
            title: "Weights file is not a safetensors checkpoint",
            messageFormat: "The weights are not a valid safetensors checkpoint: {0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor WeightsForUnknownNetwork = new DiagnosticDescriptor(
            id: "LN0028",
            title: "Weights for a network the project does not have",
            messageFormat: "The weights are for network '{0}' but the project's architecture files declare {1}; set the Network metadata of the LeNet5Weights item to one of them",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor WeightsNetworkAmbiguous = new DiagnosticDescriptor(
            id: "LN0029",
            title: "Weights do not say which network they are for",
            messageFormat: "The project has several networks ({0}) and the weights do not name one; add Network=\"<name>\" to the LeNet5Weights item",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateWeights = new DiagnosticDescriptor(
            id: "LN0030",
            title: "Two weights files for one network",
            messageFormat: "Network '{0}' already embeds the weights of {1}; declare one LeNet5Weights item per network",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor WeightsForOtherArchitecture = new DiagnosticDescriptor(
            id: "LN0031",
            title: "Weights saved for another architecture",
            messageFormat: "The weights were saved for architecture '{0}' but are declared for network '{1}'; declare them for '{0}' or train weights for '{1}'",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MissingTensor = new DiagnosticDescriptor(
            id: "LN0032",
            title: "Weights lack a tensor of the network",
            messageFormat: "Tensor '{0}' {1} that {2}Network expects is missing from the weights; retrain them for the current architecture file",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnexpectedTensor = new DiagnosticDescriptor(
            id: "LN0033",
            title: "Weights hold a tensor the network does not have",
            messageFormat: "Tensor '{0}' of the weights is not a parameter of {1}Network (it has {2}); retrain the weights for the current architecture file",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TensorShapeMismatch = new DiagnosticDescriptor(
            id: "LN0034",
            title: "Tensor shape differs from the network",
            messageFormat: "Tensor '{0}' has shape {1} but {2}Network expects {3}; the architecture file changed since the weights were trained: retrain them",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TensorDTypeMismatch = new DiagnosticDescriptor(
            id: "LN0035",
            title: "Tensor is not float32",
            messageFormat: "Tensor '{0}' is {1}; embedded weights are read in place as F32: save them as float32 (lenet5 train does)",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TensorDataMismatch = new DiagnosticDescriptor(
            id: "LN0036",
            title: "Tensor data does not match the header",
            messageFormat: "The weights' tensor data does not match their header: {0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InputTooLarge = new DiagnosticDescriptor(
            id: "LN0037",
            title: "Input too large",
            messageFormat: "The input is {0}x{1}x{2} = {3} values per image, more than the {4} the generated code supports; use a smaller input",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        private static readonly DiagnosticDescriptor[] All =
        {
            MalformedJson, UnknownLayerKind, UnknownActivation, MissingField, InvalidField, NonPositiveSize,
            KernelTooLarge, PoolSizeDoesNotDivide, DuplicateLayerName, OutputSizeMismatch, InvalidName,
            UnknownLoss, UnknownOptimizer, UnknownProperty, NoLayers, FinalActivation, ValueOutOfRange,
            NetworkTooLarge, DuplicateNetworkName, ConnectionTableSize, EmptyConnections, DuplicateConnection,
            ConnectionOutOfRange, PrototypeSizeMismatch, UnknownInitialization, ClassNameCount, WeightsNotReadable,
            WeightsForUnknownNetwork, WeightsNetworkAmbiguous, DuplicateWeights, WeightsForOtherArchitecture, MissingTensor,
            UnexpectedTensor, TensorShapeMismatch, TensorDTypeMismatch, TensorDataMismatch, InputTooLarge,
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
