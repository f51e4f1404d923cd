using System.Net;

namespace Fleet.Storage.Tests;

/// <summary>Answers HTTP requests in memory (no network): the callback gets the request and the 1-based call number.</summary>
internal sealed class FakeHttpHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<string> Requested { get; } = [];

    /// <summary>Serves the given bodies by absolute URI (query included) and 404 for anything else.</summary>
    public static FakeHttpHandler Serving(IReadOnlyDictionary<string, byte[]> bodies) => new((request, _) =>
        bodies.TryGetValue(request.RequestUri!.AbsoluteUri, out var body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) }
            : new HttpResponseMessage(HttpStatusCode.NotFound));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (Requested)
            Requested.Add(request.RequestUri!.AbsoluteUri);
        return Task.FromResult(respond(request, call));
    }
}
