using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CollaborativeFiltering.Internal;

/// <summary>Throws kept out of hot methods so that callers stay small and inlinable.</summary>
[StackTraceHidden]
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ArgumentOutOfRange(string paramName, object? actual, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, actual,
            string.Create(CultureInfo.InvariantCulture, $"{paramName} must be {expected}; it was {actual}."));

    [DoesNotReturn]
    public static T ArgumentOutOfRange<T>(string paramName, object? actual, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, actual,
            string.Create(CultureInfo.InvariantCulture, $"{paramName} must be {expected}; it was {actual}."));

    /// <summary>An <see cref="ArgumentOutOfRangeException"/> whose message is <paramref name="message"/> as written (where the parameter's own name would not say what it is).</summary>
    [DoesNotReturn]
    public static void ArgumentOutOfRangeMessage(string paramName, object? actual, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actual, message);

    [DoesNotReturn]
    public static void Argument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static T Argument<T>(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void KeyNotFound(string message) => throw new KeyNotFoundException(message);

    [DoesNotReturn]
    public static T KeyNotFound<T>(string message) => throw new KeyNotFoundException(message);

    /// <summary>Throws when <paramref name="value"/> is not strictly positive.</summary>
    public static void ThrowIfNotPositive(int value, string paramName)
    {
        if (value <= 0)
        {
            ArgumentOutOfRange(paramName, value, "greater than zero");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is negative.</summary>
    public static void ThrowIfNegative(int value, string paramName)
    {
        if (value < 0)
        {
            ArgumentOutOfRange(paramName, value, "zero or greater");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a positive finite number.</summary>
    public static void ThrowIfNotPositiveFinite(double value, string paramName)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            ArgumentOutOfRange(paramName, value, "a positive finite number");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is negative, NaN or infinite.</summary>
    public static void ThrowIfNegativeOrNotFinite(double value, string paramName)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            ArgumentOutOfRange(paramName, value, "a finite number, zero or greater");
        }
    }

    /// <summary>The most threads any option or parameter may ask for (each is a dedicated thread with its own scratch).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Throws unless <paramref name="value"/> is -1 (one thread per processor) or in [1, <see cref="MaxThreads"/>].</summary>
    public static void ThrowIfNotThreadCount(int value, string paramName)
    {
        if (value is 0 or < -1 or > MaxThreads)
        {
            ArgumentOutOfRange(paramName, value, "-1 (all processors) or in [1, 1024]");
        }
    }

    /// <summary>Throws when <paramref name="index"/> is outside [0, <paramref name="count"/>).</summary>
    public static void ThrowIfIndexOutOfRange(int index, int count, string paramName)
    {
        if ((uint)index >= (uint)count)
        {
            ArgumentOutOfRange(paramName, index, string.Create(CultureInfo.InvariantCulture, $"a dense index in [0, {count})"));
        }
    }
}
