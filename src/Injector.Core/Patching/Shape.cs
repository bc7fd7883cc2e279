using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Injector.Core.Patching;

/// <summary>
/// What the diff needs to know about a contract, worked out once per contract: for an object its readable members
/// (JSON name, getter, the member type's contract) and its string <c>name</c> member; for a list or map its
/// element contract. Looking these up in the options on every visit cost more than the walk itself.
/// </summary>
internal sealed class Shape
{
    private static readonly ConcurrentDictionary<JsonTypeInfo, Shape> Cache = new();

    private Shape(JsonTypeInfo contract)
    {
        var members = new List<Member>();
        if (contract.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in contract.Properties)
            {
                if (property.Get is { } get)
                {
                    members.Add(new Member(property.Name, get, property.PropertyType, contract.Options));
                }
            }
        }

        Members = [.. members];
        Name = Array.Find(Members, m => m.Name == "name" && m.Type == typeof(string));
        Elements = contract.ElementType is { } element ? contract.Options.GetTypeInfo(element) : null;
    }

    public Member[] Members { get; }

    /// <summary>The string <c>name</c> member, the merge key of most Kubernetes lists; null when there is none.</summary>
    public Member? Name { get; }

    /// <summary>The contract of a list's or map's elements; null for other kinds.</summary>
    public JsonTypeInfo? Elements { get; }

    public static Shape Of(JsonTypeInfo contract) => Cache.GetOrAdd(contract, static c => new Shape(c));

    internal sealed class Member(string name, Func<object, object?> get, Type type, JsonSerializerOptions options)
    {
        // Resolved on first use: model contracts are recursive (JSONSchemaProps), so resolving all up front would recurse.
        private JsonTypeInfo? _contract;

        public string Name { get; } = name;

        public Type Type { get; } = type;

        public Func<object, object?> Get { get; } = get;

        public JsonTypeInfo Contract => _contract ??= options.GetTypeInfo(Type);
    }
}
