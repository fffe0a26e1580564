using System.Reflection;
using System.Runtime.CompilerServices;
using CollaborativeFiltering.Data;

namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>
/// Immutability as a promise, checked as NodaTime's MutabilityTest does: every public type is sealed,
/// static, abstract with only sealed public subclasses, or an interface, enum or delegate; a public
/// struct is readonly; no field of a public type can be written after construction; no public
/// property has a setter (init is fine) or exposes an array or a mutable collection. The exceptions
/// are listed with their reason.
/// </summary>
public sealed class MutabilityTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Type[] MutableCollections = [typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(Queue<>), typeof(Stack<>), typeof(ICollection<>), typeof(IList<>), typeof(IDictionary<,>), typeof(ISet<>)];

    private static readonly Type[] PublicTypes = typeof(RatingsDataset).Assembly.GetExportedTypes();

    /// <summary>Public types that are mutable by design.</summary>
    private static readonly Dictionary<Type, string> MutableByDesign = new()
    {
        [typeof(RatingsDatasetBuilder)] = "a builder, as StringBuilder: it collects ratings, then Build() makes the immutable dataset",
        [typeof(RatingsDataset.Enumerator)] = "a struct enumerator, as List<T>.Enumerator: it moves through an immutable dataset",
    };

    /// <summary>Fields written after construction that do not change what the type's members return.</summary>
    private static readonly Dictionary<(Type, string), string> Caches = new()
    {
        [(typeof(CollaborativeFiltering.Neural.SoftmaxModel), "_userQueries")] = "every user's query vector, computed once on first use and published with Interlocked.CompareExchange",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_byUser")] = "a view's user-major CSR, built under a lock on first use",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_byItem")] = "a view's item-major CSR, built under a lock on first use",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_timestamps")] = "a view's timestamps, built under a lock on first use",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_root")] = "the dataset a view was cut from, let go once the view has built everything",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_membership")] = "a view's membership over its root, let go once the view has built everything",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_userRows")] = "the user-major rows the trainers read (a view's read in place), built under a lock on first use",
        [(typeof(CollaborativeFiltering.Data.RatingsDataset), "_itemRows")] = "the item-major rows the trainers read (a view's with its item-major bitmap), built under a lock on first use",
    };

    public static TheoryData<Type> Types() => [.. PublicTypes.Where(t => !t.IsInterface && !t.IsEnum && !typeof(Delegate).IsAssignableFrom(t) && !MutableByDesign.ContainsKey(t))];

    [Fact]
    public void Exceptions_StillExist()
    {
        MutableByDesign.Keys.Should().OnlyContain(t => t.IsPublic || t.IsNestedPublic);
        Caches.Keys.Should().OnlyContain(k => k.Item1.GetField(k.Item2, Everything) != null, "a listed cache that no longer exists must leave the list");
    }

    [Fact]
    public void PublicTypes_AreFound()
    {
        PublicTypes.Should().Contain([typeof(RatingsDataset), typeof(CollaborativeFiltering.Factorization.FactorizationModel), typeof(ModelFile)]);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_IsSealedStaticOrAnAbstractBaseOfSealedTypes(Type type)
    {
        if (type.IsValueType || type.IsSealed)
        {
            return; // static classes are abstract and sealed
        }

        type.IsAbstract.Should().BeTrue($"{type} is a public class that is neither sealed nor abstract");
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Should().BeEmpty($"{type} can be derived from outside the library");
        PublicTypes.Where(t => t.BaseType == type).Should().OnlyContain(t => t.IsSealed || t.IsAbstract);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicStruct_IsReadOnly(Type type)
    {
        if (type.IsValueType)
        {
            type.IsDefined(typeof(IsReadOnlyAttribute)).Should().BeTrue($"{type} is a public struct that is not readonly");
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_FieldsAreReadOnly(Type type)
    {
        var writable = type.GetFields(Everything)
            .Where(f => !f.IsInitOnly && !f.IsLiteral && !f.IsDefined(typeof(CompilerGeneratedAttribute)) && !Caches.ContainsKey((type, f.Name)))
            .Select(f => f.Name);

        writable.Should().BeEmpty($"{type} must not change after construction");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_PropertiesHaveNoSetterAndExposeNoMutableCollection(Type type)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if (property.SetMethod is { IsPublic: true } setter)
            {
                setter.ReturnParameter.GetRequiredCustomModifiers().Should().Contain(typeof(IsExternalInit), $"{type}.{property.Name} has a public setter");
            }

            Type propertyType = property.PropertyType;
            propertyType.IsArray.Should().BeFalse($"{type}.{property.Name} exposes an array");
            if (propertyType.IsGenericType)
            {
                Type definition = propertyType.GetGenericTypeDefinition();
                MutableCollections.Should().NotContain(definition, $"{type}.{property.Name} exposes a collection the caller could change");
            }
        }
    }
}
