using Microsoft.AspNetCore.Components;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A navigation manager whose navigations land only when the test says so, the way a Blazor Server circuit
/// learns of its own <c>NavigateTo</c> when the browser reports it back: on a busy machine, after the page has
/// already pushed the next address.
/// </summary>
internal sealed class LateNavigationManager : NavigationManager
{
    private readonly Queue<string> _pending = new();

    public LateNavigationManager() => Initialize("http://localhost/", "http://localhost/");

    public int Pending => _pending.Count;

    /// <summary>Lands the oldest navigation: the address changes and LocationChanged is raised.</summary>
    public void LandNext()
    {
        Uri = ToAbsoluteUri(_pending.Dequeue()).ToString();
        NotifyLocationChanged(isInterceptedLink: false);
    }

    protected override void NavigateToCore(string uri, NavigationOptions options) => _pending.Enqueue(uri);
}
