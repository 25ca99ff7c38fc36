using Engine.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Text;

[Trait("Layer", "Text")]
public sealed class TokenizerTests
{
    [Theory]
    [InlineData("What's the capital of France?", "what 's the capital of france ?")]
    [InlineData("Don't stop; I can't!", "do n't stop ; i ca n't !")]
    [InlineData("It costs $3.14, or 1,000 yen.", "it costs $ 3.14 , or 1,000 yen .")]
    [InlineData("The X-ray at 5 o'clock", "the x-ray at 5 o'clock")]
    [InlineData("We'll see they're here, I'm sure, you'd've", "we 'll see they 're here , i 'm sure , you 'd 've")]
    [InlineData("the 1960's (roughly)", "the 1960 's ( roughly )")]
    [InlineData("  spaced\tout\n ", "spaced out")]
    [InlineData("''quoted'' -dash- a--b", "' ' quoted ' ' - dash - a - - b")]
    [InlineData("Typographic don’t", "typographic do n't")]
    [InlineData("", "")]
    public void Tokenize_Examples_FollowTheDocumentedRules(string text, string expected) =>
        Assert.Equal(expected, Tokenizer.Normalize(text));

    [Fact]
    public void Tokenize_TrecStyleInput_IsLeftAsIs()
    {
        // TREC files are already Treebank-tokenised; the tokenizer must not change their tokens (only case).
        const string trec = "What 's the name of the actor who does n't like Coca-Cola ?";
        Assert.Equal(trec.ToLowerInvariant(), Tokenizer.Normalize(trec));
    }

    // Texts over an alphabet rich in the characters the rules care about.
    private static Arbitrary<string> TrickyText() =>
        Gen.Elements("a", "b", "n", "t", "s", "d", "1", "2", " ", "'", "-", ".", ",", "?", "A", "’", "\t", "ll",
                "\ud83d\ude00", "é")
            .ArrayOf().Select(parts => string.Concat(parts)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Tokenize_OfItsOwnOutput_IsStable() =>
        Prop.ForAll(TrickyText(), text =>
        {
            var tokens = Tokenizer.Tokenize(text);
            return tokens.SequenceEqual(Tokenizer.Tokenize(string.Join(' ', tokens)))
                && tokens.All(t => t.Length > 0 && !t.Any(char.IsWhiteSpace));
        });

    [Property(MaxTest = 200)]
    public Property DecodeEncode_TextOverTheVocabulary_GivesTheNormalizedText() =>
        Prop.ForAll(TrickyText(), text =>
        {
            var vocabulary = Vocabulary.FromTexts([text]);
            return vocabulary.Decode(vocabulary.Encode(text)) == Tokenizer.Normalize(text);
        });

    [Fact]
    public void Encode_UnknownWord_MapsToUnk()
    {
        var vocabulary = Vocabulary.FromTexts(["the cat sat"]);
        int[] ids = vocabulary.Encode("the dog sat");
        Assert.Equal(Vocabulary.UnkId, ids[1]);
        Assert.Equal("the <unk> sat", vocabulary.Decode(ids));
    }
}
