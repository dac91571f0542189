namespace Tessera.Scale;

/// <summary>The sweep at the largest size, with live load+save traffic before and during it. Times in microseconds.</summary>
internal sealed record SweepResult(
    string Store,
    int Sessions,
    int Expired,
    int Swept,
    double SweepMicros,
    double BeforeP50,
    double BeforeP99,
    double BeforeMax,
    int DuringOps,
    double DuringP50,
    double DuringP99,
    double DuringMax,
    long LiveAfter,
    long ExpiredAfter);
