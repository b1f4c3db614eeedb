using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.Streaming.Records;

/// <summary>
/// Writes and reads a <see cref="FeedControlKind"/> as its wire name (<c>gap</c>, <c>reset</c>, <c>error</c>,
/// <c>shutdown</c>, <c>end</c>, <c>engine</c>), the same name every format writes; any other name, or a number, is refused.
/// </summary>
public sealed class FeedControlKindJsonConverter() : JsonStringEnumConverter<FeedControlKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
