using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// The circuit's one connection to the feed hub. It is a scoped service, so the circuit owns it: when the
/// circuit is disposed (tab closed, or connection lost past the retention period), disposing this closes the
/// hub connection, which cancels every stream on it and so stops their producers on the server.
/// </summary>
public sealed class HubFeedClient : IFeedClient
{
    private readonly HubConnection _connection;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private FeedConnectionState _state = FeedConnectionState.Disconnected;

    private readonly CircuitCredentials _credentials;

    public HubFeedClient(FeedServerAddress server, IHttpClientFactory httpClients, CircuitCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(httpClients);
        _credentials = credentials;
        // The hub sees the circuit's signed-in user: its permissions, its limits, and its access ending.
        _connection = FeedHubConnection.Build(server.HubUrl, builder => builder.WithAutomaticReconnect(), credentials.TicketAsync);
        _connection.Reconnecting += _ => SetState(FeedConnectionState.Reconnecting);
        _connection.Reconnected += _ => SetState(FeedConnectionState.Connected);
        _connection.Closed += _ => SetState(FeedConnectionState.Disconnected);
        _http = httpClients.CreateClient(nameof(HubFeedClient));
        _http.BaseAddress = server.BaseUrl;
    }

    public event Action? StateChanged;

    public FeedConnectionState State => _state;

    public async Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken);
        return await _connection.InvokeAsync<FeedInfo[]>(nameof(Hubs.FeedHub.Catalog), cancellationToken);
    }

    public async IAsyncEnumerable<FeedRecord> StreamAsync(string feed, FeedStreamSettings settings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await EnsureConnectedAsync(cancellationToken);
        // Batches: the view renders at most twenty times a second, so a message per item would only add cost.
        var options = new Hubs.HubStreamOptions(settings.Rate, settings.Count, Since: settings.Since is null ? null : $"{feed}:{settings.Since}", Tail: settings.Tail > 0 ? settings.Tail : null);
        var batches = _connection.StreamAsync<FeedRecord[]>(nameof(Hubs.FeedHub.StreamBatchesWith), new[] { feed }, options, cancellationToken);
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            foreach (var item in batch)
            {
                yield return item;
            }
        }
    }

    public async Task<StreamStatsSnapshot?> GetServerStatsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stats");
            if (await _credentials.TicketAsync() is { } ticket)
            {
                request.Headers.Authorization = new("Bearer", ticket);
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<StreamStatsSnapshot>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unreachable, a timeout, an error page or an unexpected body: the status bar shows "–" and the hub's
            // own state says why; the next poll tries again.
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _http.Dispose();
        _starting.Dispose();
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_connection.State == HubConnectionState.Connected)
        {
            return;
        }

        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (_connection.State == HubConnectionState.Disconnected)
            {
                await SetState(FeedConnectionState.Connecting);
                await _connection.StartAsync(cancellationToken);
                await SetState(FeedConnectionState.Connected);
            }
        }
        catch
        {
            await SetState(FeedConnectionState.Disconnected);
            throw;
        }
        finally
        {
            _starting.Release();
        }
    }

    private Task SetState(FeedConnectionState state)
    {
        _state = state;
        StateChanged?.Invoke();
        return Task.CompletedTask;
    }
}
