using Tributary.Streaming.Concurrency;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming;

/// <summary>
/// The Streaming library's public surface is checked in (src/Streaming/PublicAPI.txt), as aspnetcore keeps
/// PublicAPI.Shipped.txt: a change to the surface fails this test until the file is updated in the same
/// commit, so every such change is a visible diff in review.
/// </summary>
public sealed class PublicApiTests
{
    private const string AcceptVariable = "TRIBUTARY_ACCEPT_PUBLIC_API";

    [Fact]
    public void The_public_surface_matches_the_checked_in_baseline()
    {
        var baselinePath = Path.Combine(RepositoryRoot.Find(), "src", "Streaming", "PublicAPI.txt");
        var actual = PublicApiListing.Of(typeof(TaskGroup).Assembly);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllLines(baselinePath, actual);
        }

        var baseline = File.Exists(baselinePath) ? File.ReadAllLines(baselinePath) : [];
        var added = actual.Except(baseline, StringComparer.Ordinal).ToList();
        var removed = baseline.Except(actual, StringComparer.Ordinal).ToList();
        Assert.True(
            added.Count == 0 && removed.Count == 0,
            $"The public API of Tributary.Streaming differs from src/Streaming/PublicAPI.txt.\n" +
            $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}\n" +
            $"If the change is intended, run the tests once with {AcceptVariable}=1 and commit the updated file.");
    }

    [Fact]
    public void The_listing_names_public_members_and_leaves_out_internal_ones()
    {
        var listing = PublicApiListing.Of(typeof(TaskGroup).Assembly);

        Assert.Contains("method Tributary.Streaming.Concurrency.TaskGroup.Start(System.Func<System.Threading.CancellationToken, System.Threading.Tasks.Task> child) -> System.Void", listing);
        Assert.DoesNotContain(listing, line => line.Contains("Tributary.Streaming.Internal", StringComparison.Ordinal));
    }
}
