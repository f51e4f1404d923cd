using Fleet.Storage.Limits;
using Fleet.Storage.Security;

namespace Fleet.Storage.Datasets;

/// <summary>The kind an error row names for an item that could not be read: <c>policy</c>, <c>too-large</c> or <c>read</c>.</summary>
public static class ItemErrorKinds
{
    public const string Read = "read";
    public const string TooLarge = "too-large";
    public const string Policy = "policy";
    public const string Decode = "decode";

    public static string Of(Exception exception) => exception switch
    {
        IntakePolicyException => Policy,
        ItemTooLargeException => TooLarge,
        HttpRequestException { InnerException: IntakePolicyException } => Policy,
        _ => Read,
    };

    /// <summary>The error row text for a failed read: "kind: message", secrets removed.</summary>
    public static string Describe(Exception exception) => $"{Of(exception)}: {SecretRedactor.Text(MessageOf(exception))}";

    /// <summary>A refused connection surfaces wrapped in an HttpRequestException; the refusal is the useful part.</summary>
    private static string MessageOf(Exception exception) =>
        exception is HttpRequestException { InnerException: IntakePolicyException policy } ? policy.Message : exception.Message;
}
