namespace Tessera.AspNetCore;

/// <summary>
/// Endpoint metadata: the Tessera middleware leaves requests to this endpoint alone (no store read even when a
/// session cookie is present, no session feature, no cookie written). For health checks, static content and other
/// endpoints that never use the session. Add it with <see cref="TesseraEndpointConventionBuilderExtensions.WithoutTesseraSession"/>
/// or as an attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Delegate, AllowMultiple = false)]
public sealed class SkipTesseraSessionAttribute : Attribute
{
}
