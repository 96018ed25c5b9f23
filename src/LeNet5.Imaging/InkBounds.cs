namespace LeNet5.Imaging;

/// <summary>The bounding box of the ink, inclusive, in pixel indices.</summary>
internal readonly record struct InkBounds(int Left, int Top, int Right, int Bottom)
{
    public int Width => Right - Left + 1;

    public int Height => Bottom - Top + 1;

    /// <summary>
    /// The box around every ink pixel that touches another ink pixel: a lone speck of noise or a JPEG artefact does not
    /// stretch the crop. Null when there is no such pixel.
    /// </summary>
    public static InkBounds? Find(GreyImage image, InkLevels levels)
    {
        bool[] isInk = levels.IsInk;
        byte[] p = image.Pixels;
        int w = image.Width, h = image.Height;
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                if (!isInk[p[row + x]] || !HasInkNeighbour(p, w, h, x, y, isInk)) continue;
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = y;
            }
        }
        return right < 0 ? null : new InkBounds(left, top, right, bottom);
    }

    private static bool HasInkNeighbour(byte[] p, int w, int h, int x, int y, bool[] isInk)
    {
        for (int ny = Math.Max(0, y - 1); ny <= Math.Min(h - 1, y + 1); ny++)
        {
            for (int nx = Math.Max(0, x - 1); nx <= Math.Min(w - 1, x + 1); nx++)
            {
                if ((nx != x || ny != y) && isInk[p[ny * w + nx]]) return true;
            }
        }
        return false;
    }
}
