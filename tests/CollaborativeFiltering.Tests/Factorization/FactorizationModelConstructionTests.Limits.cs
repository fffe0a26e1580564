using CollaborativeFiltering.Data;
using CollaborativeFiltering.Factorization;

namespace CollaborativeFiltering.Tests.Factorization;

/// <summary>A model whose predictions could overflow single precision is refused at construction (issue 10, point 4).</summary>
public partial class FactorizationModelConstructionTests
{
    [Fact]
    public void FromEmbeddings_ValuesWhoseProductsOverflow_ThrowsNamingTheSpan()
    {
        // 1e30 × 1e30 = 1e60: Predict returned +∞ before the norm limit.
        var act = () => FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1e30f], [1e30f]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("userEmbeddings");
        FluentActions.Invoking(() => FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [2e19f]))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("item 0 has norm 2E+19");
    }

    [Fact]
    public void FromEmbeddings_HugeBiasOrMean_ThrowsNamingIt()
    {
        FluentActions.Invoking(() => FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f], [3e38f], [0f]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("userBiases");
        FluentActions.Invoking(() => FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f], [0f], [0f], 3e38f))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("globalMean");
    }

    [Fact]
    public void FromEmbeddings_DimensionsBeyondTheLimit_ThrowsNamingThem()
    {
        FluentActions.Invoking(() => FactorizationModel.FromEmbeddings(Catalog.Sequential(0, 0), FactorizationOptions.MaxDimensions + 1, [], []))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("dimensions");
    }

    [Fact]
    public void Load_FiniteValuesBeyondTheNormLimit_ThrowsModelFormatException()
    {
        var model = FactorizationModel.FromEmbeddings(Catalog.Sequential(1, 1), 1, [1f], [1f]);
        var stream = new MemoryStream();
        model.Save(stream);
        byte[] bytes = stream.ToArray();
        int userEmbedding = bytes.Length - 4 - 8; // U then V, one float each, then the checksum
        BitConverter.GetBytes(1e30f).CopyTo(bytes, userEmbedding);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), CollaborativeFiltering.Persistence.Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));

        FluentActions.Invoking(() => FactorizationModel.Load(new MemoryStream(bytes)))
            .Should().Throw<ModelFormatException>().Which.Message.Should().Contain("norm");
    }
}
