using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Harness.Reports;
using Harness.Reports.Rendering;
using Harness.Tests.Support;
using SkiaSharp;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Tokens;

namespace Harness.Tests.Reports;

/// <summary>
/// Runs only where the command is on PATH, and skips where it is not even under .ci/run's
/// HARNESS_REQUIRE_EXTERNAL_CHECKS: for checks .ci/run does not install the tool for (qpdf).
/// </summary>
public sealed class OptionalToolFactAttribute : FactAttribute
{
    public OptionalToolFactAttribute(string command)
    {
        if (ExternalTools.Find(command) is null)
            Skip = $"'{command}' is not installed (an optional extra check, which .ci/run does not install)";
    }
}

/// <summary>
/// results.json travels inside the report as a PDF attachment, appended to Skia's bytes as an
/// incremental update; what is appended is checked by PdfPig, by poppler (pdfdetach, pdftoppm),
/// by qpdf where installed, and by reading its cross-reference section here.
/// </summary>
public sealed class PdfAttachmentTests
{
    private static readonly DateTimeOffset Modified = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Json = Encoding.UTF8.GetBytes("""{"schema":"harness-results/1","sites":[{"name":"Riverside","auroc":0.812}]}""");

    private const string NonAsciiName = "résultats-検証.json";

    private const string FileId = "00112233445566778899AABBCCDDEEFF";

    /// <summary>A two-page PDF as SkiaSharp writes it, with a line of text on each page.</summary>
    private static byte[] SkiaPdf()
    {
        using var pdf = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata { Title = "Attachment test", Creator = "Harness tests", Creation = Modified.UtcDateTime, Modified = Modified.UtcDateTime };
        using (var document = SKDocument.CreatePdf(pdf, metadata)!)
        {
            using var font = new SKFont(SKTypeface.Default, 14);
            using var paint = new SKPaint { Color = SKColors.Black };
            foreach (string text in (string[])["First page of the attachment test", "Second page of the attachment test"])
            {
                var canvas = document.BeginPage(595, 842);
                canvas.DrawText(text, 72, 100, font, paint);
                using var fill = new SKPaint { Color = SKColors.SteelBlue };
                canvas.DrawRect(72, 140, 451, 300, fill);
                document.EndPage();
            }
            document.Close();
        }
        return pdf.ToArray();
    }

    private static byte[] EmbedJson(byte[] pdf, string name = "results.json", byte[]? content = null) =>
        PdfAttachment.Embed(pdf, name, "application/json", content ?? Json, "Machine-readable validation results", Modified);

    private static IReadOnlyDictionary<string, byte[]> Read(byte[] pdf)
    {
        using var stream = new MemoryStream(pdf);
        return PdfAttachment.Read(stream);
    }

    /// <summary>Deterministic, poorly compressible bytes (JSON-looking text would squeeze to nothing).</summary>
    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(20250602).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void The_attachment_reads_back_byte_for_byte_and_the_pages_are_untouched()
    {
        // Given a two-page PDF from Skia
        byte[] original = SkiaPdf();
        string[] textBefore;
        using (var before = PdfDocument.Open(original)) textBefore = before.GetPages().Select(p => p.Text).ToArray();

        // When results.json is embedded
        byte[] attached = EmbedJson(original);

        // Then Skia's bytes are kept as they were, with the update after them
        Assert.True(attached.AsSpan(0, original.Length).SequenceEqual(original));
        // and PdfPig (strict) still finds the same two pages with the same text
        using (var after = PdfDocument.Open(attached, new ParsingOptions { UseLenientParsing = false }))
        {
            Assert.Equal(2, after.NumberOfPages);
            Assert.Equal(textBefore, after.GetPages().Select(p => p.Text).ToArray());
            Assert.Contains("Second page of the attachment test", after.GetPage(2).Text);
            Assert.Equal("Attachment test", after.Information.Title);
        }
        // and the attachment reads back exactly
        var files = Read(attached);
        Assert.Equal(["results.json"], files.Keys);
        Assert.Equal(Json, files["results.json"]);
    }

    [Fact]
    public void A_large_payload_under_a_non_ascii_name_reads_back_exactly()
    {
        // Given 200 KB that does not compress, and a name outside ASCII
        byte[] payload = Payload(200 * 1024);

        // When it is embedded
        byte[] attached = PdfAttachment.Embed(SkiaPdf(), NonAsciiName, "application/json", payload, "Résultats (検証)", Modified);

        // Then it reads back under that name, every byte the same
        var files = Read(attached);
        Assert.Equal([NonAsciiName], files.Keys);
        Assert.Equal(payload, files[NonAsciiName]);
    }

    [Fact]
    public void The_update_is_a_well_formed_incremental_section_with_the_entries_viewers_read()
    {
        // Given a Skia PDF
        byte[] original = SkiaPdf();
        long oldXref = StartXref(original);

        // When results.json is embedded
        byte[] attached = EmbedJson(original);

        // Then the new cross-reference section sits where startxref says, each entry points at its object,
        // and its trailer points back at Skia's table and keeps /Root and /Info
        var (entries, trailer) = XrefSection(attached, StartXref(attached));
        Assert.Equal(3, entries.Count);
        foreach (var (number, (offset, generation)) in entries)
            Assert.StartsWith($"{number} {generation} obj", Encoding.ASCII.GetString(attached, (int)offset, 20));
        string oldTrailer = XrefSection(original, oldXref).Trailer;
        Assert.Contains($"/Prev {oldXref}", trailer);
        Assert.Contains(Entry(oldTrailer, "Root"), trailer);
        Assert.Contains(Entry(oldTrailer, "Info"), trailer);
        int oldSize = int.Parse(Entry(oldTrailer, "Size")["/Size ".Length..], CultureInfo.InvariantCulture);
        Assert.Contains($"/Size {oldSize + 2}", trailer);

        // and the catalog keeps its entries and gains /Names /EmbeddedFiles and /AF, whose file spec and stream say what viewers show
        using var document = PdfDocument.Open(attached, new ParsingOptions { UseLenientParsing = false });
        var catalog = document.Structure.Catalog.CatalogDictionary;
        Assert.Equal("Catalog", Get<NameToken>(document, catalog, "Type").Data);
        Assert.True(catalog.Data.ContainsKey("Pages"));
        var tree = Get<DictionaryToken>(document, Get<DictionaryToken>(document, catalog, "Names"), "EmbeddedFiles");
        var names = Get<ArrayToken>(document, tree, "Names");
        Assert.Equal(2, names.Length);
        Assert.Equal("results.json", ((StringToken)names[0]).Data);
        var af = Get<ArrayToken>(document, catalog, "AF");
        Assert.Equal(Assert.IsType<IndirectReferenceToken>(names[1]).Data, Assert.IsType<IndirectReferenceToken>(Assert.Single(af.Data)).Data);

        var spec = Resolve<DictionaryToken>(document, names[1]);
        Assert.Equal("Filespec", Get<NameToken>(document, spec, "Type").Data);
        Assert.Equal("results.json", Get<StringToken>(document, spec, "F").Data);
        Assert.Equal("results.json", Get<StringToken>(document, spec, "UF").Data);
        Assert.Equal("Machine-readable validation results", Get<StringToken>(document, spec, "Desc").Data);
        Assert.Equal("Data", Get<NameToken>(document, spec, "AFRelationship").Data);

        var stream = Get<StreamToken>(document, Get<DictionaryToken>(document, spec, "EF"), "F");
        var header = stream.StreamDictionary;
        Assert.Equal("EmbeddedFile", Get<NameToken>(document, header, "Type").Data);
        Assert.Equal("application/json", Get<NameToken>(document, header, "Subtype").Data);
        Assert.Equal("FlateDecode", Get<NameToken>(document, header, "Filter").Data);
        var parameters = Get<DictionaryToken>(document, header, "Params");
        Assert.Equal(Json.Length, Get<NumericToken>(document, parameters, "Size").Int);
        Assert.Equal("D:20250602100000+00'00'", Get<StringToken>(document, parameters, "ModDate").Data);
        Assert.Equal(MD5.HashData(Json), Get<HexToken>(document, parameters, "CheckSum").Bytes.ToArray());
        Assert.Contains("/Subtype /application#2Fjson", Encoding.ASCII.GetString(attached, original.Length, attached.Length - original.Length));
    }

    [Fact]
    public void Embedding_the_same_inputs_twice_gives_identical_bytes()
    {
        // Given one PDF and one payload
        byte[] original = SkiaPdf();
        byte[] payload = Payload(50_000);

        // When it is embedded twice
        byte[] first = PdfAttachment.Embed(original, NonAsciiName, "application/json", payload, "results", Modified);
        byte[] second = PdfAttachment.Embed(original, NonAsciiName, "application/json", payload, "results", Modified);

        // Then the two are the same bytes
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_second_attachment_keeps_the_first_in_a_name_tree_sorted_by_name()
    {
        // Given a PDF with results.json attached
        byte[] once = EmbedJson(SkiaPdf(), "results.json");

        // When two more files are attached, one sorting before it (and outside ASCII) and one after
        byte[] twice = PdfAttachment.Embed(once, "predictions.csv", "text/csv", "id,p\n1,0.2\n"u8.ToArray(), "Predictions", Modified);
        byte[] thrice = PdfAttachment.Embed(twice, NonAsciiName, "application/json", "{}"u8.ToArray(), "Résumé", Modified);

        // Then all three read back
        var files = Read(thrice);
        Assert.Equal(Json, files["results.json"]);
        Assert.Equal("id,p\n1,0.2\n"u8.ToArray(), files["predictions.csv"]);
        Assert.Equal("{}"u8.ToArray(), files[NonAsciiName]);
        Assert.Equal(3, files.Count);
        // and the one name tree lists them in byte order of their keys (UTF-16BE with its FE FF mark sorts last),
        // while /AF lists every file spec
        using var document = PdfDocument.Open(thrice, new ParsingOptions { UseLenientParsing = false });
        var catalog = document.Structure.Catalog.CatalogDictionary;
        var names = Get<ArrayToken>(document, Get<DictionaryToken>(document, Get<DictionaryToken>(document, catalog, "Names"), "EmbeddedFiles"), "Names");
        Assert.Equal(["predictions.csv", "results.json", NonAsciiName], names.Data.Where((_, i) => i % 2 == 0).Select(k => ((IDataToken<string>)k).Data));
        Assert.Equal(3, Get<ArrayToken>(document, catalog, "AF").Length);
        // and each update's trailer points at the one before
        Assert.Contains($"/Prev {StartXref(twice)}", XrefSection(thrice, StartXref(thrice)).Trailer);
        Assert.Contains($"/Prev {StartXref(once)}", XrefSection(twice, StartXref(twice)).Trailer);
    }

    [Fact]
    public void Attaching_under_a_name_already_there_replaces_that_file()
    {
        // Given a PDF with results.json attached
        byte[] once = EmbedJson(SkiaPdf());

        // When results.json is attached again with other content
        byte[] again = EmbedJson(once, content: "{\"second\":true}"u8.ToArray());

        // Then only the new one is listed
        var files = Read(again);
        Assert.Equal(["results.json"], files.Keys);
        Assert.Equal("{\"second\":true}"u8.ToArray(), files["results.json"]);
    }

    [Fact]
    public void A_name_tree_with_kids_is_read_and_merged_and_other_catalog_entries_survive()
    {
        // Given a hand-made PDF whose EmbeddedFiles tree has two Kids leaves, under an indirect /Names beside /JavaScript
        byte[] pdf = HandMadePdf(
            [
                "<< /Type /Catalog /Pages 2 0 R /Names 11 0 R /PageMode /UseAttachments /AF [7 0 R] >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                "<< /Kids [5 0 R 6 0 R] >>",
                "<< /Limits [(a.txt) (a.txt)] /Names [(a.txt) 7 0 R] >>",
                "<< /Limits [(m.txt) (m.txt)] /Names [(m.txt) 8 0 R] >>",
                "<< /Type /Filespec /F (a.txt) /EF << /F 9 0 R >> >>",
                "<< /Type /Filespec /F (m.txt) /EF << /F 10 0 R >> >>",
                "<< /Type /EmbeddedFile /Length 5 >>\nstream\nfirst\nendstream",
                "<< /Type /EmbeddedFile /Length 6 >>\nstream\nsecond\nendstream",
                "<< /EmbeddedFiles 4 0 R /JavaScript << /Names [] >> >>",
            ],
            $"/ID [<{FileId}> <{FileId}>]");
        Assert.Equal(["a.txt", "m.txt"], Read(pdf).Keys.Order());

        // When b.txt is attached
        byte[] attached = PdfAttachment.Embed(pdf, "b.txt", "text/plain", "middle"u8.ToArray(), "", Modified);

        // Then all three read back, sorted into one tree, and the catalog keeps /PageMode, its /AF entry and /Names' /JavaScript
        var files = Read(attached);
        Assert.Equal("first"u8.ToArray(), files["a.txt"]);
        Assert.Equal("middle"u8.ToArray(), files["b.txt"]);
        Assert.Equal("second"u8.ToArray(), files["m.txt"]);
        using var document = PdfDocument.Open(attached, new ParsingOptions { UseLenientParsing = false });
        var catalog = document.Structure.Catalog.CatalogDictionary;
        Assert.Equal("UseAttachments", Get<NameToken>(document, catalog, "PageMode").Data);
        Assert.Equal(2, Get<ArrayToken>(document, catalog, "AF").Length);
        var names = Get<DictionaryToken>(document, catalog, "Names");
        Assert.True(names.Data.ContainsKey("JavaScript"));
        var keys = Get<ArrayToken>(document, Get<DictionaryToken>(document, names, "EmbeddedFiles"), "Names");
        Assert.Equal(["a.txt", "b.txt", "m.txt"], keys.Data.Where((_, i) => i % 2 == 0).Select(k => ((StringToken)k).Data));
        // and the update's trailer carries the file's /ID on
        Assert.Contains($"/ID [<{FileId}> <{FileId}>]", XrefSection(attached, StartXref(attached)).Trailer);
    }

    [Fact]
    public void The_real_audit_report_takes_an_attachment()
    {
        // Given the audit report as Harness writes it
        using var report = new MemoryStream();
        AuditReport.Write(ReportFixtures.Results(), report, Modified);
        byte[] original = report.ToArray();
        int pages;
        using (var before = PdfDocument.Open(original)) pages = before.NumberOfPages;

        // When results.json is attached
        byte[] attached = EmbedJson(original);

        // Then it keeps its pages and gives back the file
        using (var after = PdfDocument.Open(attached, new ParsingOptions { UseLenientParsing = false }))
            Assert.Equal(pages, after.NumberOfPages);
        Assert.Equal(Json, Read(attached)["results.json"]);
    }

    [Fact]
    public void A_pdf_without_attachments_reads_as_none()
    {
        // Given / When a Skia PDF with no attachment is read, Then there are none
        Assert.Empty(Read(SkiaPdf()));
    }

    public static TheoryData<string, byte[]> NotPdfs => new()
    {
        { "empty", [] },
        { "text", "{\"this\": \"is results.json, not a report\"}"u8.ToArray() },
        { "random bytes", Payload(4096) },
        { "a header and nothing else", "%PDF-1.4\n%garbage follows\n"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotPdfs))]
    public void Garbage_is_refused_with_InvalidDataException(string what, byte[] bytes)
    {
        // Given bytes that are not a PDF (what: the case)
        Assert.NotNull(what);

        // When they are read or embedded into, Then both refuse with a one-line message
        var read = Assert.Throws<InvalidDataException>(() => Read(bytes));
        Assert.DoesNotContain('\n', read.Message);
        var embed = Assert.Throws<InvalidDataException>(() => EmbedJson(bytes));
        Assert.DoesNotContain('\n', embed.Message);
    }

    [Fact]
    public void A_truncated_pdf_is_refused_by_Embed()
    {
        // Given a Skia PDF cut in half
        byte[] pdf = SkiaPdf();

        // When / Then embedding refuses it, saying it is damaged
        var error = Assert.Throws<InvalidDataException>(() => EmbedJson(pdf[..(pdf.Length / 2)]));
        Assert.Contains("damaged", error.Message);
    }

    [Fact]
    public void An_encrypted_pdf_and_a_cross_reference_stream_are_refused_with_the_reason()
    {
        // Given an encrypted PDF
        byte[] encrypted = HandMadePdf(
            ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"],
            "/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >> /ID [<00> <00>]");
        // and one whose cross-reference is a stream (PDF 1.5), as qpdf or Acrobat may write
        byte[] xrefStream = XrefStreamPdf();

        // When / Then embedding refuses each and says why
        Assert.Contains("encrypted", Assert.Throws<InvalidDataException>(() => EmbedJson(encrypted)).Message);
        Assert.Contains("cross-reference in a stream", Assert.Throws<InvalidDataException>(() => EmbedJson(xrefStream)).Message);
    }

    [ToolFact("pdfdetach")]
    public void Pdfdetach_lists_the_attachments_and_saves_the_same_bytes()
    {
        // Given a Skia PDF with results.json and a large file under a non-ASCII name attached, written to disk
        using var temp = new TempFolder();
        byte[] payload = Payload(200 * 1024);
        byte[] attached = PdfAttachment.Embed(EmbedJson(SkiaPdf()), NonAsciiName, "application/json", payload, "Résultats", Modified);
        string pdf = temp.Combine("report.pdf");
        File.WriteAllBytes(pdf, attached);

        // When poppler lists them
        var (exit, list) = ExternalTools.Run("pdfdetach", "-enc", "UTF-8", "-list", pdf);

        // Then it names both, in name-tree order, without complaining about the file's structure
        Assert.True(exit == 0, list);
        Assert.DoesNotContain("Error", list);
        Assert.DoesNotContain("Warning", list);
        var lines = list.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("2 embedded files", lines[0].Trim());
        Assert.Equal("1: results.json", lines[1].Trim());
        Assert.Equal($"2: {NonAsciiName}", lines[2].Trim());

        // and saves each with the bytes that went in
        foreach (var (index, expected) in new[] { (1, Json), (2, payload) })
        {
            string saved = temp.Combine($"saved-{index}");
            var (saveExit, saveOutput) = ExternalTools.Run("pdfdetach", "-save", index.ToString(CultureInfo.InvariantCulture), "-o", saved, pdf);
            Assert.True(saveExit == 0, saveOutput);
            Assert.Equal(expected, File.ReadAllBytes(saved));
        }
    }

    [ToolFact("pdftoppm")]
    public void Page_one_still_renders_after_embedding()
    {
        // Given a Skia PDF with an attachment, on disk
        using var temp = new TempFolder();
        string pdf = temp.Combine("attached.pdf");
        File.WriteAllBytes(pdf, EmbedJson(SkiaPdf()));

        // When poppler rasterises page 1
        string prefix = temp.Combine("page");
        var (exit, output) = ExternalTools.Run("pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", pdf, prefix);
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("Error", output);

        // Then the page has ink on it (the text and the blue rectangle)
        string png = Assert.Single(Directory.GetFiles(temp.Path, "page*.png"));
        using var bitmap = SKBitmap.Decode(png);
        int ink = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (bitmap.GetPixel(x, y) is var c && (c.Red < 230 || c.Green < 230 || c.Blue < 230)) ink++;
        Assert.True(ink > bitmap.Width * bitmap.Height / 20, $"page 1 looks blank: {ink} inked pixels");
    }

    [OptionalToolFact("qpdf")]
    public void Qpdf_finds_nothing_wrong()
    {
        // Given a Skia PDF with two attachments, on disk
        using var temp = new TempFolder();
        string pdf = temp.Combine("attached.pdf");
        File.WriteAllBytes(pdf, PdfAttachment.Embed(EmbedJson(SkiaPdf()), NonAsciiName, "application/json", Payload(10_000), "x", Modified));

        // When qpdf checks its structure, Then it passes without warnings (exit 3 would be warnings)
        var (exit, output) = ExternalTools.Run("qpdf", "--check", pdf);
        Assert.True(exit == 0, output);
        Assert.Contains("No syntax or stream encoding errors found", output);
    }

    // ---- reading the file's structure independently of PdfAttachment ----

    private static long StartXref(byte[] pdf)
    {
        string tail = Encoding.ASCII.GetString(pdf, Math.Max(0, pdf.Length - 64), Math.Min(64, pdf.Length));
        string after = tail[(tail.LastIndexOf("startxref", StringComparison.Ordinal) + "startxref".Length)..];
        return long.Parse(after.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    /// <summary>A classic xref section's in-use entries and its trailer's text.</summary>
    private static (Dictionary<int, (long Offset, int Generation)> Entries, string Trailer) XrefSection(byte[] pdf, long offset)
    {
        string text = Encoding.Latin1.GetString(pdf, (int)offset, pdf.Length - (int)offset);
        Assert.StartsWith("xref", text);
        int trailerAt = text.IndexOf("trailer", StringComparison.Ordinal);
        var lines = text[4..trailerAt].Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var entries = new Dictionary<int, (long, int)>();
        for (int i = 0; i < lines.Length;)
        {
            var head = lines[i].Split(' ');
            int start = int.Parse(head[0], CultureInfo.InvariantCulture), count = int.Parse(head[1], CultureInfo.InvariantCulture);
            for (int k = 0; k < count; k++)
            {
                string line = lines[i + 1 + k];
                if (line.Length < 18 || line[17] != 'n') continue;
                entries[start + k] = (long.Parse(line[..10], CultureInfo.InvariantCulture), int.Parse(line[11..16], CultureInfo.InvariantCulture));
            }
            i += 1 + count;
        }
        int end = text.IndexOf("startxref", trailerAt, StringComparison.Ordinal);
        return (entries, text[trailerAt..end]);
    }

    /// <summary>"/Key value" from a trailer's text, where the value is one token or a reference.</summary>
    private static string Entry(string trailer, string key)
    {
        var match = System.Text.RegularExpressions.Regex.Match(trailer, $@"/{key}\s+(\d+\s+\d+\s+R|\d+)");
        Assert.True(match.Success, $"no /{key} in {trailer}");
        return $"/{key} {System.Text.RegularExpressions.Regex.Replace(match.Groups[1].Value, @"\s+", " ")}";
    }

    private static T Resolve<T>(PdfDocument document, IToken token) where T : IToken =>
        Assert.IsType<T>(token is IndirectReferenceToken reference ? document.Structure.GetObject(reference.Data).Data : token);

    private static T Get<T>(PdfDocument document, DictionaryToken dictionary, string key) where T : IToken
    {
        Assert.True(dictionary.Data.TryGetValue(key, out var token), $"no /{key} in {dictionary}");
        return Resolve<T>(document, token!);
    }

    /// <summary>A minimal PDF with a classic xref table: object i+1 is <paramref name="objects"/>[i], the catalog is 1 0 R.</summary>
    private static byte[] HandMadePdf(string[] objects, string trailerExtra = "")
    {
        var text = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (int i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        int xref = text.Length;
        text.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (int offset in offsets) text.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        text.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R {trailerExtra}>>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>A PDF 1.5 file whose cross-reference is a stream (uncompressed, /W [1 2 1]).</summary>
    private static byte[] XrefStreamPdf()
    {
        var text = new StringBuilder("%PDF-1.5\n");
        int catalog = text.Length;
        text.Append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        int pages = text.Length;
        text.Append("2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        int xref = text.Length;
        byte[] rows = [0, 0, 0, 255, 1, (byte)(catalog >> 8), (byte)catalog, 0, 1, (byte)(pages >> 8), (byte)pages, 0, 1, (byte)(xref >> 8), (byte)xref, 0];
        text.Append(CultureInfo.InvariantCulture, $"3 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R /Length {rows.Length} >>\nstream\n");
        text.Append(Encoding.Latin1.GetString(rows));
        text.Append(CultureInfo.InvariantCulture, $"\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }
}
