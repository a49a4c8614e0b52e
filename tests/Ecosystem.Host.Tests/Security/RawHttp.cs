using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Ecosystem.Host.Tests.Security;

/// <summary>
/// HTTP/1.1 over a bare socket, for bodies the server refuses before it has read them: HttpClient gives
/// up with "broken pipe" when the server answers 413 and closes while the body is still being written,
/// and never shows the answer. This writes and reads at once, and keeps whatever answer arrives.
/// </summary>
internal static class RawHttp
{
    public sealed record Answer(int Status, string? ContentType, string Body);

    /// <param name="chunked">Stream the body with chunked transfer encoding instead of declaring its length.</param>
    public static async Task<Answer> SendAsync(Uri baseAddress, string method, string path, string? bearer, byte[] body, bool chunked)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n");
        if (bearer is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {bearer}\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        var writing = Task.Run(async () =>
        {
            try
            {
                const int Slice = 64 * 1024;
                for (var offset = 0; offset < body.Length; offset += Slice)
                {
                    var part = body.AsMemory(offset, Math.Min(Slice, body.Length - offset));
                    if (chunked)
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(part.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                        await stream.WriteAsync(part);
                        await stream.WriteAsync("\r\n"u8.ToArray());
                    }
                    else
                    {
                        await stream.WriteAsync(part);
                    }
                }

                if (chunked)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
                }
            }
            catch (IOException)
            {
                // The server stopped reading (it has answered): the rest of the body is not wanted.
            }
        });

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await writing.WaitAsync(TimeSpan.FromSeconds(30));
        // Skip interim answers (100 Continue) to the final one.
        var final = response;
        while (final.StartsWith("HTTP/1.1 1", StringComparison.Ordinal) && final.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0)
        {
            final = final[(end + 4)..];
        }

        var headerEnd = final.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = headerEnd < 0 ? final : final[..headerEnd];
        var lines = headers.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var contentType = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim().Split(';')[0]).FirstOrDefault();
        return new Answer(status, contentType, headerEnd < 0 ? "" : final[(headerEnd + 4)..]);
    }
}
