using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CollaborativeFiltering.Tests;

/// <summary>
/// Guards the CI runs that repeat the suite on other instruction sets: <c>.ci/run</c> sets
/// <c>COLLABORATIVEFILTERING_EXPECT_ISA</c> beside the runtime knobs, and this test fails when the
/// JIT did not obey them (as happened with <c>DOTNET_EnableAVX512F</c>, which .NET 10 ignores), so
/// a run that believes it tested AVX2 or scalar code cannot silently test AVX-512 again.
/// </summary>
public sealed class InstructionSetTests
{
    [Fact]
    public void ExpectedInstructionSet_IsTheOneInEffect()
    {
        string? expected = Environment.GetEnvironmentVariable("COLLABORATIVEFILTERING_EXPECT_ISA");
        string actual = $"Vector512 {Vector512.IsHardwareAccelerated}, Avx512F {Avx512F.IsSupported}, Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, Vector128 {Vector128.IsHardwareAccelerated}, Vector<float>.Count {Vector<float>.Count}";
        switch (expected)
        {
            case null or "":
                break;
            case "no-avx512":
                Vector512.IsHardwareAccelerated.Should().BeFalse(actual);
                Avx512F.IsSupported.Should().BeFalse(actual);
                break;
            case "no-intrinsics":
                Vector128.IsHardwareAccelerated.Should().BeFalse(actual);
                Sse2.IsSupported.Should().BeFalse(actual);
                Fma.IsSupported.Should().BeFalse(actual);
                break;
            default:
                throw new InvalidOperationException($"COLLABORATIVEFILTERING_EXPECT_ISA is '{expected}'; expected no-avx512 or no-intrinsics.");
        }
    }
}
