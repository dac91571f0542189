namespace Tessera.Scale;

/// <summary>
/// The sweep at the largest size, with live load+save traffic before and during it. Times in microseconds; the
/// harness process's own GC pauses during the sweep beside them, to tell a store's lock from a collection.
/// </summary>
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
    double GcPauseMillis,
    int Gen2Collections,
    long LiveAfter,
    long ExpiredAfter);
