namespace LeNet5.Generator.Tests;

/// <summary>The generator's own JSON reader: values, escapes, and the positions diagnostics rely on.</summary>
public sealed class JsonReaderTests
{
    [Fact]
    public void ReadsEveryKindOfValue()
    {
        var root = Assert.IsType<JsonObject>(JsonReader.Parse("""{ "a": [1, -2.5e3, true, false, null], "b": { "c": "d" } }"""));
        var array = Assert.IsType<JsonArray>(root.Find("a")!.Value);
        Assert.Equal(1, Assert.IsType<JsonNumber>(array.Items[0]).Value);
        Assert.Equal(-2500, Assert.IsType<JsonNumber>(array.Items[1]).Value);
        Assert.Equal("-2.5e3", ((JsonNumber)array.Items[1]).Text);
        Assert.Equal(JsonKind.Boolean, array.Items[2].Kind);
        Assert.True(((JsonLiteral)array.Items[2]).Value);
        Assert.Equal(JsonKind.Null, array.Items[4].Kind);
        Assert.Equal("d", Assert.IsType<JsonString>(Assert.IsType<JsonObject>(root.Find("b")!.Value).Find("c")!.Value).Value);
    }

    [Fact]
    public void DecodesEscapes()
    {
        var value = Assert.IsType<JsonString>(JsonReader.Parse("\"q\\\" b\\\\ s\\/ n\\n t\\t u\\u00e9\""));
        Assert.Equal("q\" b\\ s/ n\n t\t u\u00e9", value.Value);
    }

    [Fact]
    public void RecordsLineAndColumnOfValuesAndNames()
    {
        var root = (JsonObject)JsonReader.Parse("{\r\n  \"name\": \"x\",\n  \"n\": 42\n}");
        JsonProperty n = root.Find("n")!;
        Assert.Equal((2, 2), (n.NameSpan.StartLine, n.NameSpan.StartColumn));
        Assert.Equal((2, 7, 2, 9), (n.Value.Span.StartLine, n.Value.Span.StartColumn, n.Value.Span.EndLine, n.Value.Span.EndColumn));
        Assert.Equal((1, 10), (root.Find("name")!.Value.Span.StartLine, root.Find("name")!.Value.Span.StartColumn));
    }

    [Fact]
    public void SkipsCommentsAndByteOrderMark()
    {
        var root = Assert.IsType<JsonObject>(JsonReader.Parse("\uFEFF// leading\n{ /* inside */ \"a\": 1 // trailing\n}"));
        Assert.Single(root.Properties);
    }

    [Theory]
    [InlineData("{ \"a\": 1, }", "unexpected character '}', expected a property name in double quotes", 10)]
    [InlineData("[1 2]", "unexpected character '2', expected ',' or ']'", 3)]
    [InlineData("{ \"a\": 01 }", "unexpected character '1', expected ',' or '}'", 8)]
    [InlineData("{ \"a\": .5 }", "unexpected character '.', expected a value", 7)]
    [InlineData("{ \"a\": \"open }", "unterminated string", 7)]
    [InlineData("{ \"a\": tru }", "unexpected 'tru', expected a value (strings need double quotes)", 7)]
    [InlineData("{} {}", "unexpected text after the end of the document", 3)]
    [InlineData("", "unexpected end of file, expected a value", 0)]
    public void ReportsWhereMalformedInputGoesWrong(string json, string message, int position)
    {
        var exception = Assert.Throws<JsonReaderException>(() => JsonReader.Parse(json));
        Assert.Equal(message, exception.Message);
        Assert.Equal(position, exception.Span.Start);
    }

    [Fact]
    public void RejectsDeepNesting()
    {
        string json = new string('[', 100) + new string(']', 100);
        Assert.Equal("nesting is too deep", Assert.Throws<JsonReaderException>(() => JsonReader.Parse(json)).Message);
    }
}
