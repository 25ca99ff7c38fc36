using System.Text;

namespace Engine.Text;

/// <summary>
/// Splits English text into lower-case word, number and punctuation tokens, in the style of the Penn Treebank
/// tokenisation that the TREC question files use ("what 's the capital of france ?").
/// </summary>
/// <remarks>
/// Rules, applied to the text after <see cref="string.ToLowerInvariant()"/> and after mapping the typographic
/// apostrophes ’ and ‘ to '.
/// <list type="bullet">
/// <item>A word is a run of letters and digits. It also keeps a hyphen between two letters or digits
/// ("x-ray", "coca-cola"), a '.' or ',' between two digits ("3.14", "1,000"), and an apostrophe between two
/// letters that does not start a clitic ("o'clock", "o'hara").</item>
/// <item>The clitics 's, 're, 've, 'll, 'd and 'm become tokens of their own, and n't is split off before its
/// n: "what's" → "what", "'s"; "don't" → "do", "n't"; "can't" → "ca", "n't" (Treebank convention).</item>
/// <item>Every other character that is not white space is a one-character punctuation token ("?", "(", "-",
/// "'"). A surrogate pair (an emoji, say) is one token.</item>
/// </list>
/// The rules are stable under their own output: tokenising <c>string.Join(" ", tokens)</c> gives the same tokens
/// back, so <see cref="Normalize"/> is idempotent and decoding encoded text reproduces the normalised text.
/// </remarks>
public static class Tokenizer
{
    private static readonly string[] Clitics = ["s", "re", "ve", "ll", "d", "m"];

    /// <summary>Splits <paramref name="text"/> into tokens (see the class remarks for the rules).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.ToLowerInvariant().Replace('\u2019', '\'').Replace('\u2018', '\'');
        var tokens = new List<string>();
        int n = s.Length;
        int i = 0;
        while (i < n)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsLetterOrDigit(c))
            {
                i = ScanWord(s, i, tokens);
            }
            else if (c == '\'' && CliticLength(s, i) is int clitic and > 0)
            {
                // A clitic standing alone, as in already tokenised text: "what 's".
                tokens.Add(s.Substring(i, clitic));
                i += clitic;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(s[i + 1]))
            {
                tokens.Add(s.Substring(i, 2));
                i += 2;
            }
            else
            {
                tokens.Add(s.Substring(i, 1));
                i++;
            }
        }
        return tokens;
    }

    /// <summary>The normalised form of <paramref name="text"/>: its tokens joined by single spaces.</summary>
    public static string Normalize(string text) => string.Join(' ', Tokenize(text));

    // Scans the word starting at s[start], appends it (and a clitic that follows it) and returns the next index.
    private static int ScanWord(string s, int start, List<string> tokens)
    {
        int n = s.Length;
        int j = start + 1;
        while (j < n)
        {
            char c = s[j];
            bool nextIsWord = j + 1 < n && char.IsLetterOrDigit(s[j + 1]);
            if (char.IsLetterOrDigit(c))
                j++;
            else if (c == '-' && nextIsWord)
                j++;
            else if ((c == '.' || c == ',') && char.IsDigit(s[j - 1]) && j + 1 < n && char.IsDigit(s[j + 1]))
                j++;
            else if (c == '\'' && char.IsLetter(s[j - 1]) && j + 1 < n && char.IsLetter(s[j + 1])
                     && CliticLength(s, j) == 0 && !IsNegation(s, j))
                j++;
            else
                break;
        }

        if (j < n && IsNegation(s, j) && s[j - 1] == 'n')
        {
            // "don't" → "do" + "n't"; a bare "n't" leaves an empty stem. A stem that now ends in a joiner
            // ("x-n't", "o'n't") gives the joiner back as punctuation, so re-tokenising the output is stable.
            int stemEnd = j - 1;
            bool joinerAtEnd = stemEnd > start && !char.IsLetterOrDigit(s[stemEnd - 1]);
            if (joinerAtEnd)
                stemEnd--;
            if (stemEnd > start)
                tokens.Add(s.Substring(start, stemEnd - start));
            if (joinerAtEnd)
                tokens.Add(s.Substring(stemEnd, 1));
            tokens.Add("n't");
            return j + 2;
        }

        tokens.Add(s.Substring(start, j - start));
        if (j < n && s[j] == '\'' && CliticLength(s, j) is int clitic and > 0)
        {
            tokens.Add(s.Substring(j, clitic));
            return j + clitic;
        }
        return j;
    }

    // Length (including the apostrophe) of a clitic such as 's or 'll starting at s[i], or 0 if there is none.
    private static int CliticLength(string s, int i)
    {
        int end = i + 1;
        while (end < s.Length && char.IsLetter(s[end]))
            end++;
        if (end < s.Length && char.IsLetterOrDigit(s[end]))
            return 0;
        var suffix = s.AsSpan(i + 1, end - i - 1);
        foreach (string clitic in Clitics)
        {
            if (suffix.SequenceEqual(clitic))
                return end - i;
        }
        return 0;
    }

    // True when s[i..] is "'t" at the end of a word (the tail of n't).
    private static bool IsNegation(string s, int i) =>
        i + 1 < s.Length && s[i] == '\'' && s[i + 1] == 't'
        && (i + 2 == s.Length || !char.IsLetterOrDigit(s[i + 2]));

    /// <summary>Joins tokens with single spaces (the inverse of <see cref="Tokenize"/> on normalised text).</summary>
    public static string Join(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = new StringBuilder();
        foreach (string token in tokens)
        {
            if (builder.Length > 0)
                builder.Append(' ');
            builder.Append(token);
        }
        return builder.ToString();
    }
}
