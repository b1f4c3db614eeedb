using Microsoft.AspNetCore.Components;
using Tributary.App.Dashboard.Session;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Views;

/// <summary>The counter's rate and count, validated against the selected counters' limits before they are applied.</summary>
public partial class CounterSettingsForm
{
    private double? _rate;
    private long? _count;
    private double? _appliedRate;
    private long? _appliedCount;
    private string? _rateProblem;
    private string? _countProblem;

    /// <summary>The selected counter feeds, whose limits apply. Default: none.</summary>
    [Parameter]
    public IReadOnlyList<FeedInfo> Counters { get; set; } = [];

    /// <summary>The rate in effect, or null for each feed's own. Default: null.</summary>
    [Parameter]
    public double? Rate { get; set; }

    /// <summary>The count in effect, or null for each feed's own. Default: null.</summary>
    [Parameter]
    public long? Count { get; set; }

    /// <summary>Raised with valid settings only.</summary>
    [Parameter]
    public EventCallback<(double? Rate, long? Count)> Apply { get; set; }

    protected override void OnParametersSet()
    {
        // The applied settings changed from outside (the address, say): show them, unless the user is correcting a
        // value the form refused.
        if (Rate != _appliedRate || _rateProblem is null)
        {
            (_rate, _appliedRate, _rateProblem) = (Rate, Rate, null);
        }

        if (Count != _appliedCount || _countProblem is null)
        {
            (_count, _appliedCount, _countProblem) = (Count, Count, null);
        }
    }

    private async Task SetRateAsync(double? rate)
    {
        _rate = rate;
        _rateProblem = CounterSettingsRules.RateProblem(rate, Counters);
        if (_rateProblem is null)
        {
            _appliedRate = rate;
            await Apply.InvokeAsync((rate, _appliedCount));
        }
    }

    private async Task SetCountAsync(long? count)
    {
        _count = count;
        _countProblem = CounterSettingsRules.CountProblem(count, Counters);
        if (_countProblem is null)
        {
            _appliedCount = count;
            await Apply.InvokeAsync((_appliedRate, count));
        }
    }
}
