using CollaborativeFiltering.Fuzz;
using CsCheck;

namespace CollaborativeFiltering.Tests.Reliability;

/// <summary>
/// Issue 10, point 10: property tests of every parser and both model loaders. Inputs are the
/// library's own writers' valid output (<see cref="FuzzTargets"/>) with one to six random mutations
/// (<see cref="Mutations"/>: bit flips, boundary integers in 4-byte fields, non-finite floats,
/// truncation, cut, repeated and inserted ranges, separators, quotes and edge numbers in text; for
/// the model formats also with both checksums recomputed, as a forger would). Each must load into a
/// dataset or model that keeps every promise, or fail with the format's documented exception
/// (<c>RatingsFormatException</c>, <c>ModelFormatException</c>); anything else fails the property,
/// which CsCheck reports with the seed that reproduces it. The tool
/// <c>tools/CollaborativeFiltering.Fuzz</c> runs the same targets for as long as asked.
/// </summary>
public sealed class FormatPropertyTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedWriterOutput_LoadsIntactOrThrowsTheDocumentedFormatException(string name)
    {
        FuzzTarget target = FuzzTargets.All.Single(t => t.Name == name);
        foreach (byte[] seed in target.Seeds)
        {
            target.Check(seed, out bool accepted).Should().BeNull();
            accepted.Should().BeTrue("the writers' own output loads");
        }

        Gen.Select(Gen.Int[0, target.Seeds.Count - 1], Gen.Int, Gen.Int[1, 6]).Sample(input =>
        {
            (int seedIndex, int mutationSeed, int mutations) = input;
            byte[] bytes = Mutations.Mutate(target.Seeds[seedIndex], new Random(mutationSeed), mutations, target.Text);
            if (target.Check(bytes) is { } failure)
            {
                throw new InvalidOperationException($"{target.Name} threw {failure.GetType().Name} on a mutated input: {failure.Message}", failure);
            }
        }, iter: 400);
    }

    [Fact]
    public void Mutate_SameSeed_SameBytes()
    {
        byte[] input = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];

        Mutations.Mutate(input, new Random(5), 6, text: true).Should().Equal(Mutations.Mutate(input, new Random(5), 6, text: true));
        Mutations.Mutate(input, new Random(5), 6).Should().NotEqual(input);
    }
}
