using SkiaSharp;

namespace LeNet5.Cli.Pictures;

/// <summary>
/// A white canvas of a fixed size with the few drawing steps the evaluation pictures share: text that is cut to fit,
/// cells, colours from ScottPlot's colormaps; encoded as PNG.
/// </summary>
internal sealed class PictureCanvas : IDisposable
{
    public static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    public static readonly SKColor Faint = new(0x77, 0x77, 0x77);
    public static readonly SKColor Grid = new(0xDD, 0xDD, 0xDD);

    private readonly SKBitmap _bitmap;
    private readonly SKTypeface _regular;
    private readonly SKTypeface _bold;

    public PictureCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        Canvas = new SKCanvas(_bitmap);
        Canvas.Clear(SKColors.White);
        _regular = SansSerif(SKFontStyle.Normal);
        _bold = SansSerif(SKFontStyle.Bold);
    }

    /// <summary>A sans-serif face the machine has; ScottPlot's choice (which may be a serif one) when it has none of these.</summary>
    private static SKTypeface SansSerif(SKFontStyle style)
    {
        foreach (string family in (ReadOnlySpan<string>)["DejaVu Sans", "Liberation Sans", "Noto Sans", "Nimbus Sans", "Arial", "Helvetica", "Segoe UI"])
        {
            if (SKFontManager.Default.MatchFamily(family, style) is { } face) return face;
        }
        return ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Sans, bold: style.Weight >= (int)SKFontStyleWeight.Bold, italic: false);
    }

    public int Width { get; }

    public int Height { get; }

    public SKCanvas Canvas { get; }

    /// <summary>How wide <paramref name="text"/> is at <paramref name="size"/> pixels.</summary>
    public float Measure(string text, float size, bool bold = false)
    {
        using var font = Font(size, bold);
        return font.MeasureText(text);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its baseline at <paramref name="y"/>, cut with an ellipsis to at most
    /// <paramref name="maxWidth"/> pixels (none when 0).
    /// </summary>
    public void Text(string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Left, SKColor? color = null, bool bold = false, float maxWidth = 0)
    {
        using var font = Font(size, bold);
        using var paint = new SKPaint { Color = color ?? Ink, IsAntialias = true };
        if (maxWidth > 0 && font.MeasureText(text) > maxWidth)
        {
            while (text.Length > 1 && font.MeasureText(text + "…") > maxWidth) text = text[..^1];
            text += "…";
        }
        Canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>Draws <paramref name="text"/> turned a quarter left, reading upwards, its baseline at <paramref name="x"/>.</summary>
    public void TextUpwards(string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Center, bool bold = false, float maxWidth = 0)
    {
        Canvas.Save();
        Canvas.Translate(x, y);
        Canvas.RotateDegrees(-90);
        Text(text, 0, 0, size, align, bold: bold, maxWidth: maxWidth);
        Canvas.Restore();
    }

    public void Fill(SKRect rect, SKColor color)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Fill };
        Canvas.DrawRect(rect, paint);
    }

    public void Outline(SKRect rect, SKColor color, float width = 1)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = width };
        Canvas.DrawRect(rect, paint);
    }

    /// <summary>The colour of <paramref name="colormap"/> at <paramref name="position"/> (0 to 1).</summary>
    public static SKColor Color(ScottPlot.IColormap colormap, double position)
    {
        ScottPlot.Color color = colormap.GetColor(Math.Clamp(position, 0, 1));
        return new SKColor(color.R, color.G, color.B);
    }

    /// <summary>Black or white, whichever reads better on <paramref name="background"/>.</summary>
    public static SKColor TextOn(SKColor background)
        => 0.299 * background.Red + 0.587 * background.Green + 0.114 * background.Blue < 140 ? SKColors.White : Ink;

    /// <summary>The picture as PNG bytes.</summary>
    public byte[] EncodePng()
    {
        Canvas.Flush();
        using SKImage image = SKImage.FromBitmap(_bitmap);
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose()
    {
        Canvas.Dispose();
        _bitmap.Dispose();
    }

    private SKFont Font(float size, bool bold) => new(bold ? _bold : _regular, size) { Subpixel = true, Edging = SKFontEdging.SubpixelAntialias };
}
