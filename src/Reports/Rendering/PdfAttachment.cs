using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using UglyToad.PdfPig;

namespace Harness.Reports.Rendering;

/// <summary>
/// Embeds a file in a finished PDF as an attachment, and reads attachments back. SkiaSharp's PDF
/// backend cannot add attachments, so <see cref="Embed"/> appends an incremental update (PDF
/// 32000-1:2008 §7.5.6) to the bytes it wrote: the embedded file stream, its file specification,
/// a new version of the catalog naming it in /Names /EmbeddedFiles and /AF, a cross-reference
/// section for those objects and a trailer whose /Prev points at the old one. Skia's bytes are
/// kept as they are, so the pages are untouched.
/// </summary>
/// <remarks>
/// Skia writes a classic cross-reference table ("xref", one subsection from object 0) and a trailer
/// with /Size, /Root and /Info; its catalog is a plain dictionary, "&lt;&lt;/Type /Catalog /Pages n 0 R&gt;&gt;".
/// This reads classic tables with any number of subsections and /Prev sections, so it also adds to
/// its own output; a file whose cross-reference is a stream (PDF 1.5 object streams) or that is
/// encrypted is refused with an <see cref="InvalidDataException"/>.
/// </remarks>
internal static class PdfAttachment
{
    /// <summary>
    /// Appends <paramref name="content"/> as an embedded file named <paramref name="fileName"/> (the name
    /// viewers show in their attachment panes) to <paramref name="pdf"/>. Deterministic: the same inputs
    /// give the same bytes. A file already attached under the same name is replaced in the name tree.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// <paramref name="pdf"/> is not a PDF, is damaged, is encrypted, or keeps its cross-reference in a stream.
    /// </exception>
    public static byte[] Embed(byte[] pdf, string fileName, string mimeType, byte[] content, string description, DateTimeOffset modified)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(description);
        try
        {
            return Append(new PdfFile(pdf), fileName, mimeType, content, description, modified);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or FormatException)
        {
            throw new InvalidDataException($"The PDF is damaged: {e.Message}", e);
        }
    }

    /// <summary>
    /// The embedded files of a PDF by their names in the /EmbeddedFiles name tree (Kids nodes included),
    /// decompressed; empty when there are none.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a PDF, or one PdfPig cannot read.</exception>
    public static IReadOnlyDictionary<string, byte[]> Read(Stream pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        byte[] bytes;
        using (var copy = new MemoryStream())
        {
            pdf.CopyTo(copy);
            bytes = copy.ToArray();
        }
        if (HeaderOffset(bytes) < 0)
            throw new InvalidDataException("It has no %PDF- header in its first 1024 bytes.");

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var document = PdfDocument.Open(bytes);
            if (!document.Advanced.TryGetEmbeddedFiles(out var embedded)) return files;
            // PdfPig flattens the name tree (Kids included) and decodes each stream through its filters.
            foreach (var file in embedded) files[file.Name] = file.Memory.ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string reason = e.Message.ReplaceLineEndings(" ").Trim();
            throw new InvalidDataException($"Its structure could not be read ({e.GetType().Name}: {reason}).", e);
        }
        return files;
    }

    private static byte[] Append(PdfFile doc, string fileName, string mimeType, byte[] content, string description, DateTimeOffset modified)
    {
        var trailer = doc.Trailer;
        var root = trailer["Root"] is { Kind: Kind.Ref } r ? r : throw Damaged("its trailer has no /Root reference");
        var catalog = doc.Resolve(root);
        if (catalog.Kind != Kind.Dict) throw Damaged($"its /Root (object {root.Number}) is not a dictionary");

        int size = Math.Max(doc.HighestObject + 1, trailer["Size"] is { Kind: Kind.Number } s ? s.Integer() : 0);
        int streamNumber = size, specNumber = size + 1;
        string fileSpecRef = $"{specNumber} 0 R";

        // The name tree: what is there already (flattened, Kids included) and the new file, sorted by key as §7.9.6 requires.
        var namesDict = catalog["Names"] is { } namesValue ? doc.Resolve(namesValue) : null;
        if (namesDict is not null && namesDict.Kind != Kind.Dict) throw Damaged("the catalog's /Names is not a dictionary");
        var entries = new List<(byte[] Key, byte[] RawKey, byte[] RawValue)>();
        if (namesDict?["EmbeddedFiles"] is { } tree) doc.FlattenNameTree(tree, entries, 0, []);
        byte[] key = TextBytes(fileName);
        entries.RemoveAll(e => e.Key.AsSpan().SequenceEqual(key));
        entries.Add((key, Ascii(TextString(fileName)), Ascii(fileSpecRef)));
        entries.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));

        var output = new MemoryStream(doc.Bytes.Length + content.Length / 2 + 4096);
        output.Write(doc.Bytes);
        if (doc.Bytes[^1] is not ((byte)'\n' or (byte)'\r')) Write(output, "\n");
        var offsets = new SortedDictionary<int, (long Offset, int Generation)>();

        byte[] compressed = Deflate(content);
        offsets[streamNumber] = (output.Position, 0);
        Write(output,
            $"{streamNumber} 0 obj\n<< /Type /EmbeddedFile /Subtype {Name(mimeType)} /Filter /FlateDecode /Length {compressed.Length}\n" +
            $"/Params << /Size {content.Length} /ModDate {TextString(PdfDate(modified))} /CheckSum <{Convert.ToHexString(MD5.HashData(content))}> >> >>\nstream\n");
        output.Write(compressed);
        Write(output, "\nendstream\nendobj\n");

        offsets[specNumber] = (output.Position, 0);
        string name = TextString(fileName);
        Write(output,
            $"{specNumber} 0 obj\n<< /Type /Filespec /F {name} /UF {name} /Desc {TextString(description)} /AFRelationship /Data\n" +
            $"/EF << /F {streamNumber} 0 R /UF {streamNumber} 0 R >> >>\nendobj\n");

        // The catalog again, under its own number: every old entry, /Names and /AF merged or added.
        offsets[root.Number] = (output.Position, root.Generation);
        Write(output, $"{root.Number} {root.Generation} obj\n<<");
        bool namesWritten = false, afWritten = false;
        foreach (var (entryKey, value) in catalog.Entries)
        {
            if (entryKey is "Names" or "AF" && (entryKey == "Names" ? namesWritten : afWritten)) continue;  // a repeated key: the first counts
            Write(output, $"/{NameBody(entryKey)} ");
            if (entryKey == "Names")
            {
                WriteNames(output, doc, namesDict, entries);
                namesWritten = true;
            }
            else if (entryKey == "AF")
            {
                WriteAf(output, doc, doc.Resolve(value), fileSpecRef);
                afWritten = true;
            }
            else output.Write(doc.Raw(value));
            Write(output, "\n");
        }
        if (!namesWritten)
        {
            Write(output, "/Names ");
            WriteNames(output, doc, null, entries);
            Write(output, "\n");
        }
        if (!afWritten) Write(output, $"/AF [{fileSpecRef}]\n");
        Write(output, ">>\nendobj\n");

        long xref = output.Position;
        Write(output, "xref\n");
        var numbers = offsets.Keys.ToList();
        for (int i = 0; i < numbers.Count;)
        {
            int run = 1;
            while (i + run < numbers.Count && numbers[i + run] == numbers[i] + run) run++;
            Write(output, $"{numbers[i]} {run}\n");
            for (int j = i; j < i + run; j++)
            {
                var (offset, generation) = offsets[numbers[j]];
                Write(output, $"{offset:D10} {generation:D5} n \n");
            }
            i += run;
        }
        Write(output, $"trailer\n<< /Size {size + 2} /Root {root.Number} {root.Generation} R");
        foreach (string kept in (string[])["Info", "ID"])
        {
            if (trailer[kept] is not { } value) continue;
            Write(output, $" /{kept} ");
            output.Write(doc.Raw(value));
        }
        Write(output, $" /Prev {doc.StartXref} >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>The /Names dictionary: the old one's other entries as they were, and the merged EmbeddedFiles tree as one leaf.</summary>
    private static void WriteNames(MemoryStream output, PdfFile doc, Node? old, List<(byte[] Key, byte[] RawKey, byte[] RawValue)> entries)
    {
        Write(output, "<<");
        foreach (var (key, value) in old?.Entries ?? [])
        {
            if (key == "EmbeddedFiles") continue;
            Write(output, $"/{NameBody(key)} ");
            output.Write(doc.Raw(value));
            Write(output, "\n");
        }
        Write(output, "/EmbeddedFiles << /Names [");
        for (int i = 0; i < entries.Count; i++)
        {
            if (i > 0) Write(output, "\n");
            output.Write(entries[i].RawKey);
            Write(output, " ");
            output.Write(entries[i].RawValue);
        }
        Write(output, "] >> >>");
    }

    /// <summary>/AF: the associated files the catalog had, then the new one.</summary>
    private static void WriteAf(MemoryStream output, PdfFile doc, Node old, string fileSpecRef)
    {
        Write(output, "[");
        if (old.Kind == Kind.Array)
        {
            foreach (var item in old.Items)
            {
                output.Write(doc.Raw(item));
                Write(output, " ");
            }
        }
        Write(output, $"{fileSpecRef}]");
    }

    private static byte[] Deflate(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(content);
        return compressed.ToArray();
    }

    /// <summary>A PDF date (§7.9.4), in the writer's offset, as Skia writes them: D:YYYYMMDDHHmmSS+HH'mm'.</summary>
    private static string PdfDate(DateTimeOffset time)
    {
        var offset = time.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"D:{time:yyyyMMddHHmmss}{sign}{offset.Hours:D2}'{offset.Minutes:D2}'");
    }

    /// <summary>A text string's bytes (§7.9.2.2): ASCII as is, anything else UTF-16BE behind a byte-order mark.</summary>
    private static byte[] TextBytes(string text) =>
        text.All(c => c < 0x80) ? Encoding.ASCII.GetBytes(text) : [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)];

    /// <summary>A text string as PDF syntax: a literal string for ASCII, a hex string of UTF-16BE (with BOM) otherwise.</summary>
    private static string TextString(string text)
    {
        byte[] bytes = TextBytes(text);
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return $"<{Convert.ToHexString(bytes)}>";
        var literal = new StringBuilder("(");
        foreach (byte b in bytes)
        {
            if (b is (byte)'(' or (byte)')' or (byte)'\\') literal.Append('\\').Append((char)b);
            else if (b < 0x20 || b == 0x7F) literal.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            else literal.Append((char)b);
        }
        return literal.Append(')').ToString();
    }

    /// <summary>A name object (§7.3.5), UTF-8, with delimiters, '#' and anything outside '!'..'~' written as #XX.</summary>
    private static string Name(string name) => "/" + NameBody(name);

    private static string NameBody(string name)
    {
        // Keys read from the file are decoded byte for byte (Latin-1); names made here are UTF-8.
        byte[] bytes = name.All(c => c <= 0xFF) ? Encoding.Latin1.GetBytes(name) : Encoding.UTF8.GetBytes(name);
        var body = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (b is < 0x21 or > 0x7E || b == (byte)'#' || Lexer.IsDelimiter(b)) body.Append('#').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            else body.Append((char)b);
        }
        return body.ToString();
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static void Write(MemoryStream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));

    private static int HeaderOffset(byte[] pdf) => pdf.AsSpan(0, Math.Min(pdf.Length, 1024)).IndexOf("%PDF-"u8);

    private static InvalidDataException Damaged(string why) => new($"The PDF is damaged: {why}.");

    private enum Kind { Dict, Array, Name, String, Number, Ref, Bool, Null, Keyword }

    /// <summary>One parsed PDF object, with where its text lies in the file so it can be copied unchanged.</summary>
    private sealed class Node
    {
        public required Kind Kind { get; init; }
        public required int Start { get; init; }
        public int End { get; set; }
        /// <summary>A name (decoded, byte for byte), a number or a keyword.</summary>
        public string Text { get; init; } = "";
        /// <summary>A string's bytes.</summary>
        public byte[] Bytes { get; init; } = [];
        public List<Node> Items { get; } = [];
        public List<KeyValuePair<string, Node>> Entries { get; } = [];
        public int Number { get; init; }
        public int Generation { get; init; }

        /// <summary>A dictionary's value for a key; null when absent or null.</summary>
        public Node? this[string key] =>
            Entries.FirstOrDefault(e => e.Key == key).Value is { Kind: not Kind.Null } value ? value : null;

        public int Integer() =>
            int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw Damaged($"'{Text}' where an integer belongs (offset {Start})");
    }

    /// <summary>A PDF's classic cross-reference chain, and its objects on demand.</summary>
    private sealed class PdfFile
    {
        private readonly Dictionary<int, (long Offset, int Generation)?> _xref = [];

        public PdfFile(byte[] bytes)
        {
            Bytes = bytes;
            if (HeaderOffset(bytes) < 0) throw new InvalidDataException("It is not a PDF: it has no %PDF- header in its first 1024 bytes.");
            int at = bytes.AsSpan().LastIndexOf("startxref"u8);
            if (at < 0) throw Damaged("it has no startxref (is it truncated?)");
            var lexer = new Lexer(bytes) { Position = at + "startxref".Length };
            StartXref = lexer.Value(0) is { Kind: Kind.Number } start ? long.Parse(start.Text, CultureInfo.InvariantCulture) : throw Damaged("startxref is not followed by an offset");

            var seen = new HashSet<long>();
            Node? newest = null;
            for (long offset = StartXref; ;)
            {
                if (!seen.Add(offset)) throw Damaged($"its cross-reference sections loop back to offset {offset}");
                var trailer = ReadSection(offset);
                newest ??= trailer;
                if (trailer["Prev"] is not { Kind: Kind.Number } prev) break;
                offset = long.Parse(prev.Text, CultureInfo.InvariantCulture);
            }
            Trailer = newest;
            if (Trailer["Encrypt"] is not null)
                throw new InvalidDataException("The PDF is encrypted; an attachment cannot be added to it without its key.");
            HighestObject = _xref.Count == 0 ? 0 : _xref.Keys.Max();
        }

        public byte[] Bytes { get; }
        public long StartXref { get; }
        public Node Trailer { get; }
        public int HighestObject { get; }

        /// <summary>One classic xref section and its trailer; entries already known from a newer section win.</summary>
        private Node ReadSection(long offset)
        {
            if (offset < 0 || offset >= Bytes.Length) throw Damaged($"a cross-reference offset ({offset}) lies outside the file");
            var lexer = new Lexer(Bytes) { Position = (int)offset };
            var first = lexer.Value(0);
            if (first is not { Kind: Kind.Keyword, Text: "xref" })
            {
                if (IsXrefStream(offset))
                    throw new InvalidDataException(
                        "The PDF keeps its cross-reference in a stream (PDF 1.5 object streams), which PdfAttachment does not follow; " +
                        "it reads classic xref tables such as SkiaSharp writes.");
                throw Damaged($"startxref or /Prev points at offset {offset}, where there is no cross-reference table");
            }
            while (true)
            {
                var token = lexer.Value(0);
                if (token is { Kind: Kind.Keyword, Text: "trailer" }) break;
                int start = token.Kind == Kind.Number ? token.Integer() : throw Damaged($"unexpected '{token.Text}' in the cross-reference table at offset {token.Start}");
                int count = lexer.Value(0).Integer();
                if (start < 0 || count < 0 || (long)count * 18 > Bytes.Length) throw Damaged($"an impossible cross-reference subsection ({start} {count})");
                for (int i = 0; i < count; i++)
                {
                    var position = lexer.Value(0);
                    int generation = lexer.Value(0).Integer();
                    var type = lexer.Value(0);
                    if (type.Kind != Kind.Keyword || type.Text is not ("n" or "f"))
                        throw Damaged($"a cross-reference entry at offset {position.Start} is neither 'n' nor 'f'");
                    _xref.TryAdd(start + i, type.Text == "n" ? (long.Parse(position.Text, CultureInfo.InvariantCulture), generation) : null);
                }
            }
            var trailer = lexer.Value(0);
            return trailer.Kind == Kind.Dict ? trailer : throw Damaged($"the trailer at offset {trailer.Start} is not a dictionary");
        }

        private bool IsXrefStream(long offset)
        {
            try
            {
                var lexer = new Lexer(Bytes) { Position = (int)offset };
                lexer.Value(0);
                lexer.Value(0);
                return lexer.Value(0) is { Kind: Kind.Keyword, Text: "obj" } && lexer.Value(0) is { Kind: Kind.Dict } dict
                    && dict["Type"] is { Kind: Kind.Name, Text: "XRef" };
            }
            catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or FormatException or OverflowException)
            {
                return false;
            }
        }

        /// <summary>The value itself: an indirect reference followed to its object (not to a stream's data).</summary>
        public Node Resolve(Node value)
        {
            for (int hops = 0; value.Kind == Kind.Ref; hops++)
            {
                if (hops > 32) throw Damaged($"references chain through more than 32 objects at object {value.Number}");
                value = Object(value.Number);
            }
            return value;
        }

        private Node Object(int number)
        {
            if (!_xref.TryGetValue(number, out var entry))
                throw Damaged($"object {number} is not in its cross-reference tables (a hybrid file's cross-reference stream is not read)");
            if (entry is not var (offset, _)) return new Node { Kind = Kind.Null, Start = 0 };
            if (offset < 0 || offset >= Bytes.Length) throw Damaged($"object {number} is placed outside the file (offset {offset})");
            var lexer = new Lexer(Bytes) { Position = (int)offset };
            var found = lexer.Value(0);
            lexer.Value(0);
            if (found.Kind != Kind.Number || found.Integer() != number || lexer.Value(0) is not { Kind: Kind.Keyword, Text: "obj" })
                throw Damaged($"the cross-reference table places object {number} at offset {offset}, where it does not start");
            return lexer.Value(0);
        }

        /// <summary>Every key and value of a name tree (§7.9.6), leaves and Kids alike, as their bytes in the file.</summary>
        public void FlattenNameTree(Node node, List<(byte[] Key, byte[] RawKey, byte[] RawValue)> entries, int depth, HashSet<int> visited)
        {
            if (depth > 32) throw Damaged("its EmbeddedFiles name tree is more than 32 levels deep");
            if (node.Kind == Kind.Ref && !visited.Add(node.Number)) throw Damaged($"its EmbeddedFiles name tree loops back to object {node.Number}");
            var dict = Resolve(node);
            if (dict.Kind != Kind.Dict) throw Damaged("a node of its EmbeddedFiles name tree is not a dictionary");
            if (dict["Names"] is { } namesValue && Resolve(namesValue) is { Kind: Kind.Array } names)
            {
                for (int i = 0; i + 1 < names.Items.Count; i += 2)
                {
                    var key = names.Items[i];
                    if (key.Kind != Kind.String) throw Damaged($"a key of its EmbeddedFiles name tree is not a string (offset {key.Start})");
                    entries.Add((key.Bytes, Raw(key), Raw(names.Items[i + 1])));
                }
            }
            if (dict["Kids"] is { } kidsValue && Resolve(kidsValue) is { Kind: Kind.Array } kids)
                foreach (var kid in kids.Items) FlattenNameTree(kid, entries, depth + 1, visited);
        }

        public byte[] Raw(Node value) => Bytes.AsSpan(value.Start, value.End - value.Start).ToArray();
    }

    /// <summary>Reads PDF objects (§7.3) from a position; streams' data is not read.</summary>
    private sealed class Lexer(byte[] bytes)
    {
        private const int MaxDepth = 64;

        public int Position { get; set; }

        public static bool IsWhite(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

        public static bool IsDelimiter(byte b) =>
            b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

        private byte Next() => Position < bytes.Length ? bytes[Position++] : throw Damaged("it ends in the middle of an object");

        private int Peek(int ahead = 0) => Position + ahead < bytes.Length ? bytes[Position + ahead] : -1;

        private void SkipSpace()
        {
            while (Position < bytes.Length)
            {
                byte b = bytes[Position];
                if (IsWhite(b)) Position++;
                else if (b == '%')
                    while (Position < bytes.Length && bytes[Position] is not ((byte)'\n' or (byte)'\r')) Position++;
                else break;
            }
        }

        private string Regular()
        {
            int start = Position;
            while (Position < bytes.Length && !IsWhite(bytes[Position]) && !IsDelimiter(bytes[Position])) Position++;
            return Encoding.Latin1.GetString(bytes, start, Position - start);
        }

        public Node Value(int depth)
        {
            if (depth > MaxDepth) throw Damaged($"objects nest more than {MaxDepth} deep near offset {Position}");
            SkipSpace();
            int start = Position;
            int c = Peek();
            Node node;
            if (c < 0) throw Damaged("it ends where an object was expected");
            else if (c == '<' && Peek(1) == '<') node = Dictionary(start, depth);
            else if (c == '<') node = Hex(start);
            else if (c == '[')
            {
                Position++;
                node = new Node { Kind = Kind.Array, Start = start };
                while (true)
                {
                    SkipSpace();
                    if (Peek() == ']') { Position++; break; }
                    node.Items.Add(Value(depth + 1));
                }
            }
            else if (c == '(') node = Literal(start);
            else if (c == '/')
            {
                Position++;
                node = new Node { Kind = Kind.Name, Start = start, Text = DecodeName(Regular()) };
            }
            else if (c is (>= '0' and <= '9') or '+' or '-' or '.') node = NumberOrReference(start);
            else if (!IsDelimiter((byte)c))
            {
                string word = Regular();
                node = word switch
                {
                    "true" or "false" => new Node { Kind = Kind.Bool, Start = start, Text = word },
                    "null" => new Node { Kind = Kind.Null, Start = start, Text = word },
                    _ => new Node { Kind = Kind.Keyword, Start = start, Text = word },
                };
            }
            else throw Damaged($"unexpected '{(char)c}' at offset {start}");
            node.End = Position;
            return node;
        }

        private Node Dictionary(int start, int depth)
        {
            Position += 2;
            var node = new Node { Kind = Kind.Dict, Start = start };
            while (true)
            {
                SkipSpace();
                if (Peek() == '>' && Peek(1) == '>') { Position += 2; return node; }
                var key = Value(depth + 1);
                if (key.Kind != Kind.Name) throw Damaged($"a dictionary key at offset {key.Start} is not a name");
                node.Entries.Add(new(key.Text, Value(depth + 1)));
            }
        }

        private Node NumberOrReference(int start)
        {
            string number = Regular();
            if (number.All(char.IsAsciiDigit) && number.Length > 0)
            {
                int after = Position;
                SkipSpace();
                string generation = Regular();
                if (generation.Length > 0 && generation.All(char.IsAsciiDigit))
                {
                    SkipSpace();
                    if (Peek() == 'R' && (Peek(1) < 0 || IsWhite((byte)Peek(1)) || IsDelimiter((byte)Peek(1))))
                    {
                        Position++;
                        return new Node
                        {
                            Kind = Kind.Ref, Start = start,
                            Number = int.Parse(number, CultureInfo.InvariantCulture),
                            Generation = int.Parse(generation, CultureInfo.InvariantCulture),
                        };
                    }
                }
                Position = after;
            }
            return new Node { Kind = Kind.Number, Start = start, Text = number };
        }

        private Node Literal(int start)
        {
            Position++;
            var text = new List<byte>();
            for (int depth = 1; ;)
            {
                byte b = Next();
                if (b == '\\')
                {
                    byte e = Next();
                    switch (e)
                    {
                        case (byte)'n': text.Add(10); break;
                        case (byte)'r': text.Add(13); break;
                        case (byte)'t': text.Add(9); break;
                        case (byte)'b': text.Add(8); break;
                        case (byte)'f': text.Add(12); break;
                        case (byte)'\r': if (Peek() == '\n') Position++; break;
                        case (byte)'\n': break;
                        case >= (byte)'0' and <= (byte)'7':
                            int value = e - '0';
                            for (int k = 0; k < 2 && Peek() is >= '0' and <= '7'; k++) value = value * 8 + (Next() - '0');
                            text.Add((byte)value);
                            break;
                        default: text.Add(e); break;
                    }
                }
                else if (b == '(') { depth++; text.Add(b); }
                else if (b == ')')
                {
                    if (--depth == 0) break;
                    text.Add(b);
                }
                else if (b == '\r')
                {
                    text.Add((byte)'\n');
                    if (Peek() == '\n') Position++;
                }
                else text.Add(b);
            }
            return new Node { Kind = Kind.String, Start = start, Bytes = [.. text] };
        }

        private Node Hex(int start)
        {
            Position++;
            var digits = new StringBuilder();
            while (true)
            {
                byte b = Next();
                if (b == '>') break;
                if (IsWhite(b)) continue;
                if (!char.IsAsciiHexDigit((char)b)) throw Damaged($"a hex string at offset {start} holds '{(char)b}'");
                digits.Append((char)b);
            }
            if (digits.Length % 2 == 1) digits.Append('0');
            return new Node { Kind = Kind.String, Start = start, Bytes = Convert.FromHexString(digits.ToString()) };
        }

        private static string DecodeName(string raw)
        {
            if (!raw.Contains('#')) return raw;
            var decoded = new StringBuilder();
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '#' && i + 2 < raw.Length && char.IsAsciiHexDigit(raw[i + 1]) && char.IsAsciiHexDigit(raw[i + 2]))
                {
                    decoded.Append((char)Convert.ToByte(raw.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else decoded.Append(raw[i]);
            }
            return decoded.ToString();
        }
    }
}
