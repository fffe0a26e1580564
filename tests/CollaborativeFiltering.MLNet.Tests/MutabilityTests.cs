using System.Reflection;
using System.Runtime.CompilerServices;

namespace CollaborativeFiltering.MLNet.Tests;

/// <summary>
/// The library's immutability promise, checked on this package as the library's MutabilityTests check
/// the core: every public type is sealed or static, no field of a public type can be written after
/// construction, and no public property has a setter.
/// </summary>
public sealed class MutabilityTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Type[] PublicTypes = typeof(RecommenderEstimator<>).Assembly.GetExportedTypes();

    public static TheoryData<Type> Types() => [.. PublicTypes];

    [Fact]
    public void PublicTypes_AreFound()
    {
        PublicTypes.Should().Contain([typeof(RecommenderEstimator<>), typeof(RecommenderTransformer<>), typeof(CollaborativeFilteringCatalog), typeof(MLContextExtensions), typeof(DataFrameExtensions)]);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_IsSealedOrStatic(Type type)
    {
        type.IsSealed.Should().BeTrue($"{type} is public and not sealed (static classes are sealed)");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_FieldsAreReadOnly(Type type)
    {
        type.GetFields(Everything)
            .Where(f => !f.IsInitOnly && !f.IsLiteral && !f.IsDefined(typeof(CompilerGeneratedAttribute)))
            .Select(f => f.Name).Should().BeEmpty($"{type} must not change after construction");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void PublicType_PropertiesHaveNoSetter(Type type)
    {
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(p => p.SetMethod is { IsPublic: true } setter && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => p.Name).Should().BeEmpty();
    }
}
