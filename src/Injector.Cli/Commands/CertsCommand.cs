using System.CommandLine;
using System.Net;
using Injector.Tls.Certificates;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector certs --dns NAME --out DIR</c>: a CA and a serving certificate signed by it, written as
/// <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c> (a Secret's layout). The CA's key is not kept unless asked.
/// </summary>
internal static class CertsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dns = new Option<string[]>("--dns") { Description = "DNS names for the certificate (repeat the option).", AllowMultipleArgumentsPerToken = true };
        var ips = new Option<string[]>("--ip") { Description = "IP addresses for the certificate.", AllowMultipleArgumentsPerToken = true };
        // No -o alias: every other command reads -o as the output format, and `certs -o json` must not write a directory "json".
        var output = new Option<string>("--out") { Description = "Directory to write ca.crt, tls.crt and tls.key into.", Required = true };
        var days = new Option<int>("--days") { Description = "Lifetime of the serving certificate in days.", DefaultValueFactory = _ => 90 };
        var keepCaKey = new Option<bool>("--write-ca-key") { Description = "Also write ca.key, to issue more certificates later." };
        var command = new Command("certs", "Generate a CA and a serving certificate (ECDSA P-256).") { dns, ips, output, days, keepCaKey };
        command.SetAction(parse => Handler(stdout, stderr, parse.GetValue(dns) ?? [], parse.GetValue(ips) ?? [], parse.GetRequiredValue(output), parse.GetValue(days), parse.GetValue(keepCaKey)));
        return command;
    }

    internal static int Handler(TextWriter stdout, TextWriter stderr, string[] dnsNames, string[] ipTexts, string directory, int days, bool writeCaKey)
    {
        if (dnsNames.Length == 0 && ipTexts.Length == 0)
        {
            stderr.WriteLine("error: give at least one --dns NAME or --ip ADDRESS, e.g. --dns tls-injector-webhook.tls-injector.svc");
            return ExitCodes.BadInput;
        }

        var ips = new List<IPAddress>();
        foreach (var text in ipTexts)
        {
            if (!IPAddress.TryParse(text, out var ip))
            {
                stderr.WriteLine($"error: --ip \"{text}\" is not an IP address.");
                return ExitCodes.BadInput;
            }

            ips.Add(ip);
        }

        if (days is < 1 or > 3650)
        {
            stderr.WriteLine("error: --days must be from 1 to 3650.");
            return ExitCodes.BadInput;
        }

        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateGenerator.CreateCertificateAuthority("tls-injector CA", now.AddMinutes(-5), now.AddDays(Math.Max(days * 2, 365)));
        using var leaf = CertificateGenerator.Issue(ca, new LeafSpec
        {
            CommonName = dnsNames.FirstOrDefault() ?? ips[0].ToString(),
            DnsNames = dnsNames,
            IpAddresses = ips,
            NotBefore = now.AddMinutes(-5),
            NotAfter = now.AddDays(days),
        });

        Directory.CreateDirectory(directory);
        Write(directory, "ca.crt", CertificateGenerator.ToCertificatePem(ca));
        Write(directory, "tls.crt", CertificateGenerator.ToCertificatePem(leaf));
        Write(directory, "tls.key", CertificateGenerator.ToPrivateKeyPem(leaf), secret: true);
        if (writeCaKey)
        {
            Write(directory, "ca.key", CertificateGenerator.ToPrivateKeyPem(ca), secret: true);
        }

        stdout.WriteLine($"wrote {directory}/ca.crt, tls.crt, tls.key{(writeCaKey ? ", ca.key" : string.Empty)} for {string.Join(", ", dnsNames.Concat(ipTexts))}, valid until {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        return ExitCodes.Ok;
    }

    private static void Write(string directory, string name, string content, bool secret = false)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
