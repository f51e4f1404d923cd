using System.Text.Json;

namespace Fleet.Models;

/// <summary>The models Fleet knows, read from <c>models/catalog.json</c>.</summary>
public sealed class ModelCatalog
{
    internal const string EmbeddedResourceName = "Fleet.Models.catalog.json";
    private const string RelativeCatalogPath = "models/catalog.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, ModelEntry> _byName;
    private readonly Dictionary<string, string> _defaults;

    private ModelCatalog(IReadOnlyList<ModelEntry> models, Dictionary<string, string> defaults, string source, string? catalogDirectory)
    {
        Models = models;
        Source = source;
        CatalogDirectory = catalogDirectory;
        _defaults = defaults;
        _byName = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!_byName.TryAdd(model.Name, model))
            {
                throw new InvalidDataException($"Model catalog {source} names '{model.Name}' twice.");
            }
        }

        Validate();
    }

    public IReadOnlyList<ModelEntry> Models { get; }

    /// <summary>Where the catalog came from: a file path or the embedded copy; for messages.</summary>
    public string Source { get; }

    /// <summary>The folder holding the catalog file (the repo's <c>models/</c>); null for the embedded copy.</summary>
    public string? CatalogDirectory { get; }

    /// <summary>Default model names by kind, from the catalog's <c>defaults</c> object.</summary>
    public IReadOnlyDictionary<string, string> Defaults => _defaults;

    public static ModelCatalog Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        using var stream = File.OpenRead(fullPath);
        return Parse(stream, fullPath, Path.GetDirectoryName(fullPath));
    }

    /// <summary>
    /// <paramref name="explicitPath"/> (Fleet:Models:Catalog) when given, else the nearest <c>models/catalog.json</c>
    /// above the app's folder or the current folder, else the copy embedded in this assembly (so an installed tool still works).
    /// </summary>
    public static ModelCatalog LoadDefault(string? explicitPath = null)
    {
        var path = FindCatalogFile(explicitPath);
        if (path is not null)
        {
            return Load(path);
        }

        using var embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"No {RelativeCatalogPath} found and the embedded catalog is missing from {typeof(ModelCatalog).Assembly.GetName().Name}.");
        return Parse(embedded, $"embedded resource {EmbeddedResourceName}", catalogDirectory: null);
    }

    /// <summary>The catalog file <see cref="LoadDefault"/> would read, or null when only the embedded copy is left.</summary>
    public static string? FindCatalogFile(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new FileNotFoundException($"The model catalog setting (Fleet:Models:Catalog, FLEET_MODEL_CATALOG) points at '{explicitPath}', which does not exist.", explicitPath);
        }

        return FindAbove(AppContext.BaseDirectory) ?? FindAbove(Environment.CurrentDirectory);
    }

    public static ModelCatalog Parse(string json, string source = "inline JSON", string? catalogDirectory = null)
    {
        var document = Deserialize(() => JsonSerializer.Deserialize<CatalogDocument>(json, JsonOptions), source);
        return FromDocument(document, source, catalogDirectory);
    }

    private static ModelCatalog Parse(Stream json, string source, string? catalogDirectory)
    {
        var document = Deserialize(() => JsonSerializer.Deserialize<CatalogDocument>(json, JsonOptions), source);
        return FromDocument(document, source, catalogDirectory);
    }

    public bool TryGet(string name, out ModelEntry entry) => _byName.TryGetValue(name, out entry!);

    /// <summary>The entry called <paramref name="name"/>; the exception lists the known names.</summary>
    public ModelEntry Get(string name) =>
        _byName.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException(
                $"Model '{name}' is not in the catalog ({Source}). Known models: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>The default entry of a kind (e.g. <see cref="ModelKinds.Classifier"/>).</summary>
    public ModelEntry GetDefault(string kind) =>
        _defaults.TryGetValue(kind, out var name)
            ? Get(name)
            : throw new KeyNotFoundException($"The catalog ({Source}) names no default {kind}. Defaults: {string.Join(", ", _defaults.Keys)}.");

    /// <summary>The model <paramref name="name"/> (null: the default of <paramref name="kind"/>), which must be of that kind.</summary>
    public ModelEntry Get(string? name, string kind)
    {
        var model = name is null ? GetDefault(kind) : Get(name);
        return model.IsKind(kind)
            ? model
            : throw new ArgumentException($"Model '{model.Name}' is a {model.Kind}, not a {kind}.", nameof(name));
    }

    /// <summary>The labels entry a classifier points at.</summary>
    public ModelEntry GetLabelsFor(ModelEntry classifier) =>
        classifier.Labels is { } labels
            ? Get(labels)
            : throw new InvalidDataException($"Model '{classifier.Name}' names no labels entry.");

    /// <summary>The caption-lexicon entry a causal-lm names; null when it names none (its captions are not grounded).</summary>
    public ModelEntry? GetLexiconFor(ModelEntry causalLm) => causalLm.Lexicon is { } lexicon ? Get(lexicon) : null;

    private static CatalogDocument Deserialize(Func<CatalogDocument?> read, string source)
    {
        try
        {
            return read() ?? throw new InvalidDataException($"Model catalog {source} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model catalog {source} is not valid: {ex.Message}", ex);
        }
    }

    private static ModelCatalog FromDocument(CatalogDocument document, string source, string? catalogDirectory) =>
        new(
            document.Models ?? [],
            new Dictionary<string, string>(document.Defaults ?? [], StringComparer.OrdinalIgnoreCase),
            source,
            catalogDirectory);

    private static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativeCatalogPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void Validate()
    {
        var problems = new List<string>();
        foreach (var model in Models)
        {
            if (model.Sha256.Length != 64 || !model.Sha256.All(char.IsAsciiHexDigit))
            {
                problems.Add($"'{model.Name}': sha256 must be 64 hex digits");
            }

            if (model.Size <= 0)
            {
                problems.Add($"'{model.Name}': size must be positive");
            }

            if (model.File.Contains('/') || model.File.Contains('\\') || model.File.Contains(".."))
            {
                problems.Add($"'{model.Name}': file must be a bare file name");
            }

            if (model.IsKind(ModelKinds.Classifier))
            {
                ValidateClassifier(model, problems);
            }
            else if (model.IsKind(ModelKinds.CausalLm))
            {
                ValidateCausalLm(model, problems);
                if (model.Lexicon is { } lexicon && (!_byName.TryGetValue(lexicon, out var entry) || !entry.IsKind(ModelKinds.CaptionLexicon)))
                {
                    problems.Add($"'{model.Name}': lexicon must name a caption-lexicon entry of this catalog");
                }
            }
        }

        foreach (var (kind, name) in _defaults)
        {
            if (!_byName.ContainsKey(name))
            {
                problems.Add($"default {kind} '{name}' is not in the catalog");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Model catalog {Source} is not valid: {string.Join("; ", problems)}.");
        }
    }

    private void ValidateClassifier(ModelEntry model, List<string> problems)
    {
        if (string.IsNullOrEmpty(model.Input) || string.IsNullOrEmpty(model.Output))
        {
            problems.Add($"'{model.Name}': a classifier needs input and output names");
        }

        if (model.OutputKind is not ("logits" or "probabilities"))
        {
            problems.Add($"'{model.Name}': outputKind must be logits or probabilities");
        }

        if (model.Labels is null || !_byName.TryGetValue(model.Labels, out var labels) || !labels.IsKind(ModelKinds.Labels))
        {
            problems.Add($"'{model.Name}': labels must name a labels entry of this catalog");
        }

        if (model.Preprocessing is null)
        {
            problems.Add($"'{model.Name}': a classifier needs preprocessing");
        }
        else
        {
            try
            {
                model.Preprocessing.Validate(model.Name);
            }
            catch (InvalidDataException ex)
            {
                problems.Add(ex.Message);
            }
        }
    }

    private static void ValidateCausalLm(ModelEntry model, List<string> problems)
    {
        if (model.PromptTemplate is null || !model.PromptTemplate.Contains("{labels}", StringComparison.Ordinal))
        {
            problems.Add($"'{model.Name}': a causal-lm needs a promptTemplate with {{labels}}");
        }

        if (model.Decoder is null)
        {
            problems.Add($"'{model.Name}': a causal-lm needs a decoder");
            return;
        }

        try
        {
            model.Decoder.Validate(model.Name);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(ex.Message);
        }
    }

    private sealed record CatalogDocument(List<ModelEntry>? Models, Dictionary<string, string>? Defaults);
}
