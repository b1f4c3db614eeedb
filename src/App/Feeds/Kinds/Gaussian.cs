namespace Tributary.App.Feeds.Kinds;

internal static class Gaussian
{
    /// <summary>A standard normal sample (Box-Muller), for random walks that look like markets and weather.</summary>
    public static double Next(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A stable seed from a name, so each symbol or station starts from its own plausible level.</summary>
    public static int StableSeed(string name)
    {
        var hash = 17;
        foreach (var c in name)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash & int.MaxValue;
    }
}
