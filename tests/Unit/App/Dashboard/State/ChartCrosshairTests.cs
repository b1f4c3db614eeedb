using Tributary.App.Dashboard.State;

namespace Tributary.Tests.Unit.App.Dashboard.State;

public sealed class ChartCrosshairTests
{
    private static readonly DateTime Noon = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Unspecified);

    private static readonly ChartMeaning Temperature = new("Temperature", "°C", "0.#' °C'");

    [Fact]
    public void Hovering_one_series_shows_every_series_value_nearest_that_moment()
    {
        IReadOnlyList<ChartSeries> series =
        [
            new("Airport", "#000", [[new(Noon, 1), new(Noon.AddSeconds(2), 2), new(Noon.AddSeconds(4), 3)]]),
            new("Harbour", "#111", [[new(Noon.AddSeconds(1), 10)], [new(Noon.AddSeconds(5), 12)]]),
        ];

        var crosshair = ChartCrosshair.At("12:00:04.000", series, Temperature);

        Assert.Equal(["12:00:04.000", "Airport: 3 °C", "Harbour: 12 °C"], crosshair.Lines);
        Assert.True(crosshair.OnLeft);
    }

    [Fact]
    public void A_window_across_midnight_finds_the_moment_on_either_side_of_it()
    {
        var midnight = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Unspecified);
        IReadOnlyList<ChartSeries> series =
        [
            new("Airport", "#000", [[new(midnight.AddSeconds(-2), 1), new(midnight.AddSeconds(1), 2), new(midnight.AddMinutes(10), 3)]]),
        ];

        Assert.Equal(["23:59:58.000", "Airport: 1 °C"], ChartCrosshair.At("23:59:58.000", series, Temperature).Lines);
        Assert.Equal(["00:00:01.000", "Airport: 2 °C"], ChartCrosshair.At("00:00:01.000", series, Temperature).Lines);
    }

    [Fact]
    public void A_label_that_is_not_a_time_shows_nothing()
    {
        Assert.Empty(ChartCrosshair.At("soon", [new("a", "#000", [[new(Noon, 1)]])], Temperature).Lines);
    }
}
