using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>What every shared feed of the PostgreSQL engine works with, owned by <see cref="PostgresFeedEngine"/>.</summary>
internal sealed record PostgresFeedContext(
    PostgresDatabase Database,
    PostgresFeedLog Log,
    FeedCatalog Catalog,
    PostgresEngineOptions Options,
    StreamStats Stats,
    TimeProvider Time,
    ILogger Logger,
    string Instance,
    TaskGroup Host);
