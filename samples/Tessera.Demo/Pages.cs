using System.Text;
using System.Text.Encodings.Web;
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
        form.inline{display:inline}input{padding:.3rem;margin:.15rem}button{padding:.3rem .8rem;margin:.15rem}
        nav a{margin-right:1rem}.msg{background:#eef;padding:.5rem}.err{background:#fee;padding:.5rem}code{word-break:break-all}
        """;

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static string Layout(string title, string? user, string body, string? message = null, bool error = false)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
          .Append(E(title)).Append(" – Tessera demo</title><style>").Append(Css).Append("</style></head><body>")
          .Append("<nav><a href=\"/\">Home</a>");
        if (user is not null)
        {
            sb.Append("<a href=\"/sessions\">My sessions</a><a href=\"/password\">Change password</a><a href=\"/ticket\">SSO ticket</a>");
        }

        sb.Append("</nav><h1>").Append(E(title)).Append("</h1>");
        if (message is not null)
        {
            sb.Append("<p class=\"").Append(error ? "err" : "msg").Append("\" id=\"message\">").Append(E(message)).Append("</p>");
        }

        if (user is not null)
        {
            // Keeps the auth_tkt ticket fresh while the user is active (plone.session's refresh, the ASP.NET way).
            body += "<script src=\"/_authtkt/refresh.js\" defer></script>";
        }

        return sb.Append(body).Append("</body></html>").ToString();
    }

    public static string Home(HttpContext context, IAntiforgery antiforgery, ITesseraSession session, string? message, bool error)
    {
        var sb = new StringBuilder();
        if (session.UserId is { } user)
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
                + "<button id=\"sign-in\">Sign in</button>"));
        }

        sb.Append("<h2>Session data</h2><table id=\"data\"><tr><th>Key</th><th>Value (JSON)</th></tr>");
        foreach (var key in session.Keys.Order(StringComparer.Ordinal))
        {
            session.TryGetValue(key, out var value);
            sb.Append("<tr><td>").Append(E(key)).Append("</td><td><code>").Append(E(value?.ToJsonString() ?? "null")).Append("</code></td></tr>");
        }

        sb.Append("</table><h2>Add a value</h2>").Append(Form(context, antiforgery, "/data",
            "<label>Key <input name=\"key\" id=\"data-key\"></label> <label>Value <input name=\"value\" id=\"data-value\"></label> "
            + "<button id=\"add-value\">Add</button>"));
        return Layout("Tessera demo", session.UserId, sb.ToString(), message, error);
    }

    public static string Sessions(HttpContext context, IAntiforgery antiforgery, string user, IReadOnlyList<TesseraSessionInfo> sessions, string? message)
    {
        var sb = new StringBuilder("<table id=\"sessions\"><tr><th>Device</th><th>IP</th><th>Created</th><th>Last seen</th><th></th></tr>");
        foreach (var s in sessions)
        {
            sb.Append("<tr><td>").Append(E(s.UserAgent ?? "unknown")).Append("</td><td>").Append(E(s.Ip ?? "?"))
              .Append("</td><td>").Append(s.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
              .Append("</td><td>").Append(s.LastSeen.ToString("u", System.Globalization.CultureInfo.InvariantCulture)).Append("</td><td>");
            sb.Append(s.Current
                ? "this session"
                : Form(context, antiforgery, "/sessions/revoke", $"<input type=\"hidden\" name=\"id\" value=\"{E(s.Id)}\"><button>Revoke</button>", inline: true));
            sb.Append("</td></tr>");
        }

        sb.Append("</table>").Append(Form(context, antiforgery, "/sessions/revoke-others", "<button id=\"revoke-others\">Sign out my other sessions</button>"));
        return Layout("My sessions", user, sb.ToString(), message);
    }

    public static string Password(HttpContext context, IAntiforgery antiforgery, string user, string? message, bool error) =>
        Layout("Change password", user, Form(context, antiforgery, "/password",
            "<label>Current <input name=\"old\" type=\"password\" autocomplete=\"current-password\"></label> "
            + "<label>New <input name=\"new\" type=\"password\" autocomplete=\"new-password\"></label> <button>Change</button>"
            + "<p>Your other sessions are signed out at once; this one stays signed in.</p>"), message, error);

    public static string Ticket(string user, string? cookieValue, JsonObject? fields) =>
        Layout("auth_tkt ticket (SSO)", user,
            cookieValue is null
                ? "<p>No auth_tkt cookie: sign in again to get one.</p>"
                : "<p>This cookie signs you in to every site that shares the auth_tkt secret (e.g. Apache with mod_auth_tkt).</p>"
                  + "<p><code id=\"ticket\">" + E(cookieValue) + "</code></p><pre>" + E(fields?.ToJsonString(new() { WriteIndented = true }) ?? "") + "</pre>"
                  + "<p><a href=\"/_authtkt/refresh\">Refresh it</a> · <a href=\"/_authtkt/remove\">Remove it</a></p>");

    private static string Form(HttpContext context, IAntiforgery antiforgery, string action, string inner, bool inline = false)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<form method=\"post\" action=\"{action}\"{(inline ? " class=\"inline\"" : "")}><input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">{inner}</form>";
    }

    private static string E(string text) => Html.Encode(text);
}
