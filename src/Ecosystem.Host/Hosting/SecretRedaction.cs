using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Ecosystem.Host.Hosting;

/// <summary>
/// A last line of defence for the logs: whatever a component (ours or the framework's, at any level an
/// operator turns on) puts into a log property, API key secrets, the admin key, SignalR's
/// <c>access_token</c>, bearer tokens and connection-string passwords come out as <c>***</c>. The key
/// id (<c>eco_{id}_***</c>) stays, since it names the key. The engine's own messages never log
/// secrets in the first place; this catches framework lines such as "Request starting ...?access_token=...".
/// </summary>
public sealed partial class SecretRedaction(string adminKey) : ILogEventEnricher
{
    private const string Mask = "***";

    // Key format eco_{12-character id}_{secret}; see Auth.ApiKeys.
    [GeneratedRegex(@"(eco_[A-Za-z0-9_\-]{12}_)[A-Za-z0-9_\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex ApiKeySecret();

    [GeneratedRegex(@"(access_token=)[^&\s""']*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AccessToken();

    [GeneratedRegex(@"(Bearer\s+)[^\s""',;]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"((?:Password|Pwd)\s*=\s*)(?:""[^""]*""|'[^']*'|[^;""'\s]*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Password();

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var scrubbed = Scrub(value);
            if (!ReferenceEquals(scrubbed, value))
            {
                (changed ??= []).Add(new LogEventProperty(name, scrubbed));
            }
        }

        if (changed is not null)
        {
            foreach (var property in changed)
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    /// <summary>The value with secrets masked, or the same instance when there is nothing to mask.</summary>
    private LogEventPropertyValue Scrub(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                var clean = Scrub(s);
                return ReferenceEquals(clean, s) ? value : new ScalarValue(clean);
            case ScalarValue { Value: { } other } when !IsPlain(other) && other.ToString() is { } text && !ReferenceEquals(Scrub(text), text):
                // Objects logged as scalars (a Uri, a QueryString) render through ToString: scrub what they render to.
                return new ScalarValue(Scrub(text));
            case SequenceValue sequence:
                var items = sequence.Elements.Select(Scrub).ToList();
                return items.Where((item, i) => !ReferenceEquals(item, sequence.Elements[i])).Any() ? new SequenceValue(items) : value;
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new LogEventProperty(p.Name, Scrub(p.Value))).ToList();
                return properties.Where((p, i) => !ReferenceEquals(p.Value, structure.Properties[i].Value)).Any()
                    ? new StructureValue(properties, structure.TypeTag)
                    : value;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Scrub(kv.Value))).ToList();
                return entries.Where(kv => !ReferenceEquals(kv.Value, dictionary.Elements[kv.Key])).Any() ? new DictionaryValue(entries) : value;
            default:
                return value;
        }
    }

    private static bool IsPlain(object value) =>
        value.GetType().IsPrimitive || value is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum;

    internal string Scrub(string s)
    {
        // Cheap tests first: nearly every log line holds none of these.
        var result = s;
        if (adminKey.Length > 0 && result.Contains(adminKey, StringComparison.Ordinal))
        {
            result = result.Replace(adminKey, Mask, StringComparison.Ordinal);
        }

        if (result.Contains("eco_", StringComparison.Ordinal))
        {
            result = ApiKeySecret().Replace(result, "$1" + Mask);
        }

        if (result.Contains("access_token", StringComparison.OrdinalIgnoreCase))
        {
            result = AccessToken().Replace(result, "$1" + Mask);
        }

        if (result.Contains("bearer", StringComparison.OrdinalIgnoreCase))
        {
            result = Bearer().Replace(result, "$1" + Mask);
        }

        if (result.Contains("pw", StringComparison.OrdinalIgnoreCase) || result.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            result = Password().Replace(result, "$1" + Mask);
        }

        return result == s ? s : result;
    }
}
