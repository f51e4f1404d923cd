using Fleet.Storage.Datasets;
using Fleet.Storage.Security;

namespace Fleet.Storage.Tests.Security;

public sealed class SecretRedactorTests
{
    private const string Sas = "sv=2024-08-04&ss=b&srt=co&sp=rwdl&se=2030-01-01T00:00:00Z&skoid=abc&sig=SECRETSIG%3D";

    [Fact]
    public void A_uri_loses_its_query_and_user_info()
    {
        Assert.Equal("https://acct.blob.core.windows.net/data/x.jpg", SecretRedactor.Uri($"https://acct.blob.core.windows.net/data/x.jpg?{Sas}"));
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/c", SecretRedactor.Uri("http://user:pw@127.0.0.1:10000/devstoreaccount1/c?token=t"));
    }

    [Theory]
    [InlineData("GET https://a.example/x.jpg?" + Sas + " failed: 403")]
    [InlineData("dataset container 'http://127.0.0.1:10000/acct/c?" + Sas + "' refused access")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=SECRETSIG==;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=" + Sas)]
    [InlineData("a pasted query: ?" + Sas)]
    [InlineData("{\"uri\":\"https://a.example/m.txt?code=SECRETSIG\"}")]
    public void Free_text_keeps_no_secret(string text)
    {
        var redacted = SecretRedactor.Text(text);

        Assert.DoesNotContain("SECRETSIG", redacted);
        Assert.DoesNotContain("sig=", redacted.Replace("sig=[redacted]", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.True(SecretRedactor.HasSecret(text));
    }

    [Fact]
    public void Text_without_secrets_is_unchanged()
    {
        const string text = "GET https://a.example/x.jpg failed: 404 Not Found (line 3: key-value pairs)";

        Assert.Equal(text, SecretRedactor.Text(text));
    }

    [Fact]
    public void An_invalid_manifest_entry_shown_in_a_row_keeps_no_secret()
    {
        var item = DatasetItem.Invalid($"line 2: unsupported scheme 'ftp': ftp://h/x.jpg?{Sas}", "2");

        Assert.DoesNotContain("SECRETSIG", ItemReader.Display(item.Uri));
    }
}
