namespace Tributary.App.Components.Pages;

public partial class Home
{
    /// <summary>"static" while prerendered, "interactive" once the circuit is live.</summary>
    private string ConnectionState => RendererInfo.IsInteractive ? "interactive" : "static";
}
