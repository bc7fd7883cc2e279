using System.Buffers;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Injector.Proxy.Identity;

/// <summary>
/// A subject in RFC 4514 form (<c>CN=web,O=shop</c>: most specific first, no spaces), the form Envoy writes in
/// <c>X-Forwarded-Client-Cert</c>. .NET's own rendering puts a space after each comma and quotes differently.
/// </summary>
internal static class DistinguishedName
{
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.5"] = "SERIALNUMBER",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "STREET",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
    };

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Format(X500DistinguishedName name)
    {
        try
        {
            var rdns = new List<string>();
            var sequence = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var set = sequence.ReadSetOf();
                var attributes = new List<string>();
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var oid = attribute.ReadObjectIdentifier();
                    attributes.Add((ShortNames.GetValueOrDefault(oid) ?? oid) + "=" + Escape(ReadValue(attribute)));
                }

                rdns.Add(string.Join('+', attributes));
            }

            rdns.Reverse();
            return string.Join(',', rdns);
        }
        catch (AsnContentException)
        {
            // The chain verified, so the name parses as DER; an odd encoding still gets .NET's rendering.
            return name.Name;
        }
    }

    private static string ReadValue(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue is var kind
            && kind is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.BMPString or UniversalTagNumber.VisibleString or UniversalTagNumber.NumericString
                or UniversalTagNumber.T61String)
        {
            return attribute.ReadCharacterString(kind);
        }

        // RFC 4514 §2.4: a value of another type is '#' and the hex of its BER encoding.
        return "#" + Convert.ToHexStringLower(attribute.ReadEncodedValue().Span);
    }

    /// <summary>
    /// RFC 4514 §2.4 escaping: the specials, a leading '#' or space, a trailing space; control characters become a
    /// <c>\XX</c> hex pair, so a subject can never end a header line.
    /// </summary>
    private static string Escape(string value)
    {
        if (value.StartsWith('#') && value.Length > 1 && !value.AsSpan(1).ContainsAnyExcept(LowerHex))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                text.Append('\\').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                continue;
            }

            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && c is '#' or ' ')
                || (i == value.Length - 1 && c == ' '))
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
