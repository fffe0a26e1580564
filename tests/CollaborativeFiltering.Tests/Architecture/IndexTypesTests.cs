using System.Reflection;
using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Architecture;

/// <summary>
/// Dense indices and ids cannot be confused anywhere in the public API (docs/architecture.md, "Indices
/// and ids"): a parameter or property that names one user or one item by position is a
/// <see cref="UserIndex"/> or <see cref="ItemIndex"/>, one that names it by id is a string, so that
/// <c>model.Predict(1, 50)</c> with ids in mind does not compile, and neither does a user index passed
/// as an item's.
/// </summary>
public sealed class IndexTypesTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Type[] PublicTypes = typeof(RatingsDataset).Assembly.GetExportedTypes();

    private static IEnumerable<(string Member, ParameterInfo Parameter)> PublicParameters() =>
        from type in PublicTypes
        from method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared))
        from parameter in method.GetParameters()
        select ($"{type.Name}.{method.Name}({parameter.Name})", parameter);

    private static Type Unwrapped(Type type) => type.IsByRef ? type.GetElementType()! : type;

    [Fact]
    public void Parameters_NamingOneUserOrItem_AreTypedIndices()
    {
        var wrong = PublicParameters()
            .Where(p => p.Parameter.Name is "user" or "item" or "userIndex" or "itemIndex")
            .Where(p => Unwrapped(p.Parameter.ParameterType) != (p.Parameter.Name!.StartsWith("user", StringComparison.Ordinal) ? typeof(UserIndex) : typeof(ItemIndex)))
            .Select(p => $"{p.Member}: {p.Parameter.ParameterType.Name}");

        wrong.Should().BeEmpty("a dense index of one user or item has its own type, so that an id or the other kind of index does not compile in its place");
    }

    [Fact]
    public void Parameters_NamingAnId_AreStrings()
    {
        var wrong = PublicParameters()
            .Where(p => p.Parameter.Name is "userId" or "itemId")
            .Where(p => Unwrapped(p.Parameter.ParameterType) != typeof(string))
            .Select(p => $"{p.Member}: {p.Parameter.ParameterType.Name}");

        wrong.Should().BeEmpty();
    }

    [Fact]
    public void Properties_NamedUserOrItem_AreTypedIndices()
    {
        var wrong =
            from type in PublicTypes
            from property in type.GetProperties(Declared)
            where property.Name is "User" or "Item" && property.GetIndexParameters().Length == 0
            where property.PropertyType != (property.Name == "User" ? typeof(UserIndex) : typeof(ItemIndex))
            select $"{type.Name}.{property.Name}: {property.PropertyType.Name}";

        wrong.Should().BeEmpty();
        typeof(Rating).GetProperty(nameof(Rating.User))!.PropertyType.Should().Be<UserIndex>("the check above sees the record's properties");
    }

    [Fact]
    public void Indices_AreNotConvertibleFromInt()
    {
        typeof(UserIndex).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name is "op_Implicit" or "op_Explicit").Should().BeEmpty("new UserIndex(3) says what 3 is; a conversion would let an int slip through");
        typeof(ItemIndex).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name is "op_Implicit" or "op_Explicit").Should().BeEmpty();
    }

    [Fact]
    public void Predict_ByIdsAndByIndices_AreTheSamePrediction()
    {
        var catalog = new Catalog(new IdMap(["10", "20"]), new IdMap(["50", "1", "7"]));
        FactorizationModel model = FactorizationModel.FromEmbeddings(catalog, 1, [1, 2], [3, 5, 7]);

        model.Predict("20", "1").Should().Be(model.Predict(catalog.GetUserIndex("20"), catalog.GetItemIndex("1"))).And.Be(10, "user '20' is index 1 (embedding 2) and item '1' is index 1 (embedding 5)");
        model.Predict(U(1), I(1)).Should().Be(10);
    }
}
