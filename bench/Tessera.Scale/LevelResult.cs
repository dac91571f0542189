namespace Tessera.Scale;

/// <summary>What one store measured at one size. Times in microseconds; bytes per session null when not measured.</summary>
internal sealed record LevelResult(
    string Store,
    int Sessions,
    double LoadP50,
    double LoadP99,
    double SaveP50,
    double SaveP99,
    double ProbeP99,
    int Listed,
    double ListMicros,
    int Revoked,
    double RevokeMicros,
    double? MemoryPerSession,
    double? DiskPerSession);
