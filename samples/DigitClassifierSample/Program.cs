// Classifies MNIST test images and PNG files with the LeNet5.Model package: no model file, no native library.
//
//   dotnet run -c Release -- [--mnist DIR] [--count N] [--logits FILE] [image.png ...]
//
// --logits writes the network's logits for each MNIST image, one line each, to compare platforms (CI checks the
// linux-arm64 build, run under emulation, against the x64 one).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using DigitClassifierSample;
using LeNet5.Model;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string? mnist = null;
int count = 10_000;
string? logitsFile = null;
var files = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--mnist": mnist = args[++i]; break;
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--logits": logitsFile = args[++i]; break;
        default: files.Add(args[i]); break;
    }
}
if (mnist is null && files.Count == 0)
{
    Console.Error.WriteLine("usage: DigitClassifierSample [--mnist DIR] [--count N] [image.png ...]  (28x28, white digit on black)");
    return 1;
}

bool first = true;
foreach (string file in files)
{
    byte[] grey = PngImage.ReadGrey(file, out int width, out int height);
    if (width != DigitClassifier.ImageSize || height != DigitClassifier.ImageSize)
    {
        Console.Error.WriteLine($"{file}: {width}x{height}; the classifier takes {DigitClassifier.ImageSize}x{DigitClassifier.ImageSize} images");
        return 1;
    }
    DigitPrediction prediction = DigitClassifier.Classify(grey);
    ReportFirstAnswer(ref first);
    Console.WriteLine($"{Path.GetFileName(file)}: digit {prediction.Digit} ({prediction.Confidence:P2})");
}

if (mnist is not null)
{
    (byte[] pixels, byte[] labels) = MnistTestImages.Read(mnist);
    count = Math.Min(count, labels.Length);
    var predictions = new DigitPrediction[count];
    var clock = Stopwatch.StartNew();
    DigitClassifier.Classify(pixels.AsSpan(0, count * DigitClassifier.PixelCount), predictions);
    clock.Stop();
    ReportFirstAnswer(ref first);
    int correct = 0;
    for (int i = 0; i < count; i++) correct += predictions[i].Digit == labels[i] ? 1 : 0;
    for (int i = 0; i < Math.Min(5, count); i++) Console.WriteLine($"test[{i}]: digit {predictions[i].Digit} ({predictions[i].Confidence:P2}), true {labels[i]}");
    Console.WriteLine($"MNIST test set: {correct} of {count} correct, accuracy {(double)correct / count:P2}, {clock.Elapsed.TotalMicroseconds / count:F1} us per image");
    if (logitsFile is not null) WriteLogits(logitsFile, pixels, count);
}
return 0;

static void WriteLogits(string path, byte[] pixels, int count)
{
    var input = new float[DigitClassifier.PixelCount];
    var logits = new float[DigitClassifier.DigitCount];
    var workspace = new float[LeNet5Network.WorkspaceSize];
    using var writer = new StreamWriter(path);
    for (int i = 0; i < count; i++)
    {
        DigitClassifier.Normalize(pixels.AsSpan(i * DigitClassifier.PixelCount, DigitClassifier.PixelCount), input);
        LeNet5Network.Infer(DigitClassifier.Parameters, input, logits, workspace, 1);
        writer.WriteLine(string.Join(' ', logits.Select(l => l.ToString("R", CultureInfo.InvariantCulture))));
    }
}

// What this build runs on: the widest accelerated vector and the instruction sets, as compiled (NativeAOT) or found (JIT).
static string Vectors()
{
    string widest = Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "no";
    var sets = new List<string>();
    if (Avx512F.IsSupported) sets.Add("avx512f");
    if (Avx2.IsSupported) sets.Add("avx2");
    if (Fma.IsSupported) sets.Add("fma");
    if (Sse41.IsSupported) sets.Add("sse4.1");
    if (AdvSimd.IsSupported) sets.Add("advsimd");
    return $"{widest}-bit, {(sets.Count == 0 ? "baseline" : string.Join(',', sets))}";
}

static void ReportFirstAnswer(ref bool first)
{
    if (!first) return;
    first = false;
    TimeSpan sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
    Console.Error.WriteLine($"first answer {sinceStart.TotalMilliseconds:F0} ms after the process started; vectors: {Vectors()}");
}
