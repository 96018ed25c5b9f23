namespace LeNet5.Web.Tests;

/// <summary>
/// Turns a grey digit image into pen strokes, as a person would draw it: the ink thinned to a one-pixel skeleton
/// (Zhang and Suen, 1984), then walked from its ends into polylines of pixel centres.
/// </summary>
public static class StrokeTracer
{
    private static readonly (int Dx, int Dy)[] Neighbours = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1), (1, -1)];

    /// <summary>The strokes, each a list of points in pixel units (a pixel's centre is at +0.5).</summary>
    public static List<List<(double X, double Y)>> Trace(ReadOnlySpan<byte> pixels, int width, int height, byte threshold = 96)
    {
        bool[,] ink = new bool[width + 2, height + 2];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                ink[x + 1, y + 1] = pixels[y * width + x] >= threshold;
        Thin(ink, width + 2, height + 2);

        var visited = new bool[width + 2, height + 2];
        var strokes = new List<List<(double X, double Y)>>();
        while (NextStart(ink, visited, width + 2, height + 2) is (int sx, int sy))
        {
            var path = new List<(int X, int Y)> { (sx, sy) };
            visited[sx, sy] = true;
            // Join a walk that starts beside an earlier stroke to it, so no gap shows.
            if (VisitedNeighbour(ink, visited, sx, sy, exclude: (sx, sy)) is { } joinStart) path.Insert(0, joinStart);
            (int x, int y) = (sx, sy);
            (int dx, int dy) direction = (0, 0);
            while (Next(ink, visited, x, y, direction) is (int nx, int ny))
            {
                direction = (nx - x, ny - y);
                (x, y) = (nx, ny);
                visited[x, y] = true;
                path.Add((x, y));
            }
            if (path.Count > 2 && VisitedNeighbour(ink, visited, x, y, exclude: path[^2]) is { } joinEnd) path.Add(joinEnd);
            if (path.Count >= 3 || strokes.Count == 0)
                strokes.Add(path.Select(p => (p.X - 1 + 0.5, p.Y - 1 + 0.5)).ToList());
        }
        return strokes;
    }

    /// <summary>An unvisited skeleton pixel to start from: an end (one neighbour) if there is one, topmost first.</summary>
    private static (int, int)? NextStart(bool[,] ink, bool[,] visited, int width, int height)
    {
        (int, int)? any = null;
        for (int y = 1; y < height - 1; y++)
            for (int x = 1; x < width - 1; x++)
            {
                if (!ink[x, y] || visited[x, y]) continue;
                int degree = Neighbours.Count(n => ink[x + n.Dx, y + n.Dy] && !visited[x + n.Dx, y + n.Dy]);
                if (degree <= 1) return (x, y);
                any ??= (x, y);
            }
        return any;
    }

    /// <summary>The unvisited neighbour that keeps the direction best (orthogonal before diagonal when tied).</summary>
    private static (int, int)? Next(bool[,] ink, bool[,] visited, int x, int y, (int Dx, int Dy) direction)
    {
        (int, int)? best = null;
        int bestScore = int.MinValue;
        for (int i = 0; i < Neighbours.Length; i++)
        {
            (int dx, int dy) = Neighbours[i];
            if (!ink[x + dx, y + dy] || visited[x + dx, y + dy]) continue;
            int score = 4 * (dx * direction.Dx + dy * direction.Dy) - (i >= 4 ? 1 : 0);
            if (score > bestScore)
            {
                bestScore = score;
                best = (x + dx, y + dy);
            }
        }
        return best;
    }

    private static (int X, int Y)? VisitedNeighbour(bool[,] ink, bool[,] visited, int x, int y, (int X, int Y) exclude)
    {
        foreach ((int dx, int dy) in Neighbours)
        {
            (int nx, int ny) = (x + dx, y + dy);
            if (ink[nx, ny] && visited[nx, ny] && (nx, ny) != exclude) return (nx, ny);
        }
        return null;
    }

    /// <summary>Zhang-Suen thinning, in place; the border row and column stay empty.</summary>
    private static void Thin(bool[,] image, int width, int height)
    {
        var remove = new List<(int, int)>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                remove.Clear();
                for (int y = 1; y < height - 1; y++)
                    for (int x = 1; x < width - 1; x++)
                    {
                        if (!image[x, y]) continue;
                        // P2..P9 clockwise from north.
                        bool p2 = image[x, y - 1], p3 = image[x + 1, y - 1], p4 = image[x + 1, y], p5 = image[x + 1, y + 1];
                        bool p6 = image[x, y + 1], p7 = image[x - 1, y + 1], p8 = image[x - 1, y], p9 = image[x - 1, y - 1];
                        bool[] ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2];
                        int count = ring.Take(8).Count(b => b);
                        int transitions = 0;
                        for (int k = 0; k < 8; k++) if (!ring[k] && ring[k + 1]) transitions++;
                        if (count < 2 || count > 6 || transitions != 1) continue;
                        if (pass == 0 ? (p2 && p4 && p6) || (p4 && p6 && p8) : (p2 && p4 && p8) || (p2 && p6 && p8)) continue;
                        remove.Add((x, y));
                    }
                foreach ((int x, int y) in remove) image[x, y] = false;
                changed |= remove.Count > 0;
            }
        }
    }
}
