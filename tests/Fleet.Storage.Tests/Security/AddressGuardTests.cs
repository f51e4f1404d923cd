using System.Net;
using Fleet.Storage.Datasets;
using Fleet.Storage.Resilience;
using Fleet.Storage.Security;

namespace Fleet.Storage.Tests.Security;

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("168.63.129.16")] // Azure WireServer
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::808:808")] // NAT64 of a public address: the translator is inside the network
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("::a9fe:a9fe")] // IPv4-compatible
    [InlineData("::7f00:1")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.1")]
    public void Metadata_wireserver_and_translated_addresses_are_refused(string address)
    {
        Assert.False(new NetworkAddressGuard(allowLoopback: false, allowPrivateNetworks: false).IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("168.63.129.17")]
    public void Public_addresses_pass(string address)
    {
        Assert.True(new NetworkAddressGuard(allowLoopback: false, allowPrivateNetworks: false).IsAllowed(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task A_refused_name_does_not_say_which_addresses_it_resolved_to()
    {
        var policy = new IntakePolicy(new IntakeOptions());
        var reader = new ItemReader(null, StorageResilience.Create(), new HttpClient(policy.CreateHandler()), policy);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => reader.ReadAsync("http://localhost:9/a.jpg", default));

        var row = ItemErrorKinds.Describe(refused);
        Assert.Contains("localhost", row);
        Assert.DoesNotContain("127.0.0.1", row);
        Assert.DoesNotContain("::1", row);
    }

    [Fact]
    public void User_info_is_not_in_the_uri_a_row_shows()
    {
        Assert.Equal("http://127.0.0.1:9/a.jpg", ItemReader.Display("http://reader:hunter2@127.0.0.1:9/a.jpg?sig=x"));
        Assert.Equal("https://host/p@q.jpg", ItemReader.Display("https://u@host/p@q.jpg"));
        Assert.Equal("https://host/a.jpg", ItemReader.Display("https://host/a.jpg"));
    }
}
