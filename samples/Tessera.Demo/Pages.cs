using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Tessera.AspNetCore;

namespace Tessera.Demo;

/// <summary>The demo's server-rendered HTML pages: plain markup, a little CSS, an antiforgery token on every form.</summary>
internal static class Pages
{
    private const string Css = """
        body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
        h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;font-size:.9rem}
        form.inline{display:inline}input{padding:.3rem;margin:.15rem;max-width:100%}button{padding:.3rem .8rem;margin:.15rem}
        nav a{margin-right:1rem}.msg{background:#eef;padding:.5rem}.err{background:#fee;padding:.5rem}code{word-break:break-all}
        .hint{color:#555;font-size:.9rem}
        """;

    // The messages a redirect can ask for (?m=...): fixed texts, so a link cannot put words of its own on the page.
    private static readonly Dictionary<string, (string Text, bool Error)> Messages = new(StringComparer.Ordinal)
    {
        ["signed-in"] = ("Signed in.", false),
        ["wrong-password"] = ("Wrong user or password.", true),
        ["ipv6-refused"] = ("Sign-in over IPv6 is refused here (AuthTkt:IPv6Policy).", true),
        ["signed-out"] = ("Signed out.", false),
        ["signed-out-everywhere"] = ("Signed out everywhere.", false),
        ["sign-in-first"] = ("Sign in first.", true),
        ["key-required"] = ("A key is required.", true),
        ["saved"] = ("Saved.", false),
        ["revoked"] = ("Revoked.", false),
        ["nothing-revoked"] = ("Nothing revoked.", false),
        ["revoked-others"] = ("Your other sessions are signed out.", false),
        ["password-changed"] = ("Password changed. Your other sessions are signed out.", false),
        ["password-refused"] = ("Wrong current password, or an empty new one.", true),
        ["ended-revoked"] = ("Your session has ended: it was signed out from another device (or it expired). Sign in again.", true),
        ["ended-password"] = ("Your session has ended because your password was changed. Sign in with the new password.", true),
    };

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    // Session values as a person reads them: a string as its text, anything else as JSON without \u escapes.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Layout(string title, string? user, string body, string? messageCode = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
          .Append(E(title)).Append(" – Tessera demo</title><style>").Append(Css).Append("</style></head><body>")
          .Append("<nav><a href=\"/\">Home</a>");
        if (user is not null)
        {
            sb.Append("<a href=\"/sessions\">My sessions</a><a href=\"/password\">Change password</a><a href=\"/ticket\">SSO ticket</a>");
        }

        sb.Append("</nav><h1>").Append(E(title)).Append("</h1>");
        if (messageCode is not null && Messages.TryGetValue(messageCode, out var message))
        {
            sb.Append("<p class=\"").Append(message.Error ? "err" : "msg").Append("\" id=\"message\">").Append(E(message.Text)).Append("</p>");
        }

        if (user is not null)
        {
            // Keeps the auth_tkt ticket fresh while the user is active (plone.session's refresh, the ASP.NET way).
            body += "<script src=\"/_authtkt/refresh.js\" defer></script>";
        }

        return sb.Append(body).Append("</body></html>").ToString();
    }

    /// <summary>A page with one paragraph, for error answers.</summary>
    public static string Plain(string title, string text) => Layout(title, null, "<p>" + E(text) + "</p><p><a href=\"/\">Back</a></p>");

    public static string Home(HttpContext context, IAntiforgery antiforgery, string? user, ITesseraSession session, string? messageCode, string? returnUrl, IReadOnlyDictionary<string, string>? credentials)
    {
        var sb = new StringBuilder();
        if (user is not null)
        {
            sb.Append("<p id=\"signed-in\">Signed in as <strong id=\"user\">").Append(E(user)).Append("</strong>.</p>")
              .Append(Form(context, antiforgery, "/logout", "<button id=\"sign-out\">Sign out</button>", inline: true))
              .Append(Form(context, antiforgery, "/logout-everywhere", "<button id=\"sign-out-everywhere\">Sign out everywhere</button>", inline: true));
        }
        else
        {
            sb.Append("<h2>Sign in</h2>").Append(Form(context, antiforgery, "/login",
                "<label>User <input name=\"user\" id=\"login-user\" autocomplete=\"username\"></label> "
                + "<label>Password <input name=\"password\" id=\"login-password\" type=\"password\" autocomplete=\"current-password\"></label> "
                + "<button id=\"sign-in\">Sign in</button>"
                + (returnUrl is null ? "" : $"<input type=\"hidden\" name=\"returnUrl\" value=\"{E(returnUrl)}\">")));
            if (credentials is { Count: > 0 })
            {
                sb.Append("<p class=\"hint\" id=\"credentials\">Demo users (first passwords; a change is kept): ")
                  .AppendJoin(", ", credentials.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"<strong>{E(c.Key)}</strong> / <code>{E(c.Value)}</code>"))
                  .Append("</p>");
            }
        }

        sb.Append("<h2>Session data</h2><table id=\"data\"><tr><th>Key</th><th>Value</th></tr>");
        foreach (var key in session.Keys.Order(StringComparer.Ordinal))
        {
            session.TryGetValue(key, out var value);
            sb.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(Text(value))).Append("</td></tr>");
        }

        sb.Append("</table><h2>Add a value</h2>").Append(Form(context, antiforgery, "/data",
            "<label>Key <input name=\"key\" id=\"data-key\"></label> <label>Value <input name=\"value\" id=\"data-value\"></label> "
            + "<button id=\"add-value\">Add</button>"));
        return Layout("Tessera demo", user, sb.ToString(), messageCode);
    }

    public static string Sessions(HttpContext context, IAntiforgery antiforgery, string user, IReadOnlyList<TesseraSessionInfo> sessions, string? messageCode)
    {
        var sb = new StringBuilder("<table id=\"sessions\"><tr><th>Device</th><th>IP</th><th>Created</th><th>Last seen</th><th></th></tr>");
        foreach (var s in sessions)
        {
            sb.Append("<tr><td title=\"").Append(E(s.UserAgent ?? "")).Append("\">").Append(E(DeviceNames.Describe(s.UserAgent)))
              .Append("</td><td>").Append(E(s.Ip ?? "?"))
              .Append("</td><td>").Append(s.Created.ToString("u", CultureInfo.InvariantCulture))
              .Append("</td><td>").Append(s.LastSeen.ToString("u", CultureInfo.InvariantCulture)).Append("</td><td>");
            sb.Append(s.Current
                ? "this session"
                : Form(context, antiforgery, "/sessions/revoke", $"<input type=\"hidden\" name=\"id\" value=\"{E(s.Id)}\"><button>Revoke</button>", inline: true));
            sb.Append("</td></tr>");
        }

        sb.Append("</table>").Append(Form(context, antiforgery, "/sessions/revoke-others", "<button id=\"revoke-others\">Sign out my other sessions</button>"));
        return Layout("My sessions", user, sb.ToString(), messageCode);
    }

    public static string Password(HttpContext context, IAntiforgery antiforgery, string user, string? messageCode) =>
        Layout("Change password", user, Form(context, antiforgery, "/password",
            "<label>Current <input name=\"old\" type=\"password\" autocomplete=\"current-password\"></label> "
            + "<label>New <input name=\"new\" type=\"password\" autocomplete=\"new-password\"></label> <button>Change</button>"
            + "<p>Your other sessions are signed out at once; this one stays signed in.</p>"), messageCode);

    /// <summary>The auth_tkt ticket's fields, as text. The ticket itself is HttpOnly and stays out of the page.</summary>
    public static string Ticket(string user, ClaimsPrincipal? ticket)
    {
        if (ticket is null)
        {
            return Layout("auth_tkt ticket (SSO)", user, "<p id=\"no-ticket\">No valid auth_tkt cookie: sign in again to get one.</p>");
        }

        var body = new StringBuilder("<p>Your browser holds an auth_tkt cookie that signs you in to every site sharing its secret ")
            .Append("(e.g. Apache with mod_auth_tkt). It is HttpOnly: neither this page nor its scripts can read it.</p>")
            .Append("<table id=\"ticket-fields\"><tr><th>User</th><td>").Append(E(ticket.FindFirstValue(ClaimTypes.NameIdentifier) ?? "")).Append("</td></tr>")
            .Append("<tr><th>Tokens</th><td>").Append(E(string.Join(", ", ticket.FindAll(ClaimTypes.Role).Select(c => c.Value)))).Append("</td></tr>")
            .Append("<tr><th>User data</th><td>").Append(E(ticket.FindFirstValue(AuthTktDefaults.UserDataClaimType) ?? "")).Append("</td></tr></table>")
            .Append("<p><a href=\"/_authtkt/refresh\">Refresh it</a> · <a href=\"/_authtkt/remove\">Remove it</a></p>");
        return Layout("auth_tkt ticket (SSO)", user, body.ToString());
    }

    private static string Text(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString(Readable) ?? "null";

    private static string Form(HttpContext context, IAntiforgery antiforgery, string action, string inner, bool inline = false)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<form method=\"post\" action=\"{action}\"{(inline ? " class=\"inline\"" : "")}><input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">{inner}</form>";
    }

    private static string E(string text) => Html.Encode(text);
}
