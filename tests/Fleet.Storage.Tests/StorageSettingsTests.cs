using Fleet.Development;
using Microsoft.Extensions.Configuration;

namespace Fleet.Storage.Tests;

public sealed class StorageSettingsTests
{
    private static StorageSettings Bind(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(StorageSettings.SectionName).Get<StorageSettings>()!;

    [Fact]
    public void Service_uris_and_the_identity_bind_from_Fleet_Storage_as_the_container_apps_set_them()
    {
        var settings = Bind(new()
        {
            ["Fleet:Storage:BlobServiceUri"] = "https://fleetst.blob.core.windows.net/",
            ["Fleet:Storage:TableServiceUri"] = "https://fleetst.table.core.windows.net/",
            ["Fleet:Storage:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
            ["Fleet:Storage:Resilience:MaxRetryAttempts"] = "3",
        });

        var account = StorageAccount.Create(settings);

        Assert.True(settings.IsConfigured);
        Assert.Null(account.ConnectionString);
        Assert.Equal(("fleetst", "fleetst"), (account.Blobs.AccountName, account.Tables.AccountName));
        Assert.Equal(new Uri("https://fleetst.blob.core.windows.net/"), account.Blobs.Uri);
        Assert.True(StorageCredential.For(settings).IsTokenCredential);
    }

    [Fact]
    public void An_account_key_signs_instead_of_a_token_and_the_account_comes_from_azurite_style_uris()
    {
        var settings = new StorageSettings
        {
            BlobServiceUri = new Uri("http://127.0.0.1:10000/devstoreaccount1"),
            TableServiceUri = new Uri("http://127.0.0.1:10002/devstoreaccount1"),
            AccountKey = AzuriteInstance.AccountKey,
        };

        var account = StorageAccount.Create(settings);

        Assert.False(StorageCredential.For(settings).IsTokenCredential);
        Assert.Equal(("devstoreaccount1", "devstoreaccount1"), (account.Blobs.AccountName, account.Tables.AccountName));
    }

    [Fact]
    public void A_connection_string_wins_over_service_uris()
    {
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteInstance.AccountKey};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:3/devstoreaccount1;";
        var settings = new StorageSettings { ConnectionString = connection, BlobServiceUri = new Uri("https://other.blob.core.windows.net/") };

        var account = StorageAccount.Create(settings);

        Assert.Equal(connection, account.ConnectionString);
        Assert.Equal(1, account.Blobs.Uri.Port);
    }

    [Theory]
    [InlineData(null, null, "set FLEET_STORAGE")]
    [InlineData("https://a.blob.core.windows.net/", null, "TableServiceUri is missing")]
    [InlineData(null, "https://a.table.core.windows.net/", "BlobServiceUri is missing")]
    public void Incomplete_settings_fail_saying_what_to_set(string? blob, string? table, string expected)
    {
        var settings = new StorageSettings { BlobServiceUri = blob is null ? null : new Uri(blob), TableServiceUri = table is null ? null : new Uri(table) };

        var error = Assert.Throws<InvalidOperationException>(() => StorageAccount.Create(settings));

        Assert.False(settings.IsConfigured);
        Assert.Contains(expected, error.Message);
    }
}
