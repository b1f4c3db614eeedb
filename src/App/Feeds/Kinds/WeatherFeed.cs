using System.Runtime.CompilerServices;

namespace Tributary.App.Feeds.Kinds;

/// <summary>
/// Simulated stations: temperature follows the time of day (coolest near dawn, warmest mid-afternoon) around
/// a per-station level with a slow random drift; humidity moves against temperature; wind wanders.
/// </summary>
internal static class WeatherFeed
{
    private static readonly string[] Compass = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];

    public static async IAsyncEnumerable<WeatherReading> RunAsync(FeedDefinition feed, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var random = new Random(Random.Shared.Next());
        var stations = feed.Stations.Select(name => new StationState(name, random)).ToArray();
        var pacer = new FeedPacer(feed.Rate, time);
        for (long n = 0; ; n++)
        {
            if (!await pacer.WaitForNextAsync(cancellationToken))
            {
                yield break;
            }

            var station = stations[n % stations.Length];
            yield return station.Next(time.GetUtcNow(), random);
        }
    }

    private sealed class StationState(string name, Random random)
    {
        private readonly double _baseTemperature = 5 + Gaussian.StableSeed(name) % 20;
        private double _drift;
        private double _wind = 5 + random.NextDouble() * 20;
        private int _direction = random.Next(Compass.Length);

        public WeatherReading Next(DateTimeOffset now, Random random)
        {
            var hour = now.UtcDateTime.TimeOfDay.TotalHours;
            var daily = 6 * Math.Sin(2 * Math.PI * (hour - 9) / 24);
            _drift = Math.Clamp(_drift + 0.05 * Gaussian.Next(random), -3, 3);
            var temperature = _baseTemperature + daily + _drift + 0.1 * Gaussian.Next(random);
            var humidity = Math.Clamp(65 - 2.5 * (daily + _drift) + 2 * Gaussian.Next(random), 5, 100);
            _wind = Math.Clamp(_wind + 1.5 * Gaussian.Next(random), 0, 90);
            if (random.NextDouble() < 0.1)
            {
                _direction = (_direction + (random.Next(2) == 0 ? 1 : Compass.Length - 1)) % Compass.Length;
            }

            return new WeatherReading(name, Math.Round(temperature, 1), Math.Round(humidity, 1), Math.Round(_wind, 1), Compass[_direction]);
        }
    }
}
