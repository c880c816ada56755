using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>The report's colours and type sizes: sober, high-contrast, and readable when printed in grey.</summary>
internal static class Palette
{
    public static readonly SKColor Ink = new(0x1A, 0x1A, 0x1A);
    public static readonly SKColor Muted = new(0x55, 0x60, 0x6E);
    public static readonly SKColor Accent = new(0x1F, 0x3A, 0x5F);
    public static readonly SKColor Rule = new(0xC8, 0xD0, 0xDA);
    public static readonly SKColor HeaderFill = new(0xDD, 0xE5, 0xEF);
    public static readonly SKColor Zebra = new(0xF5, 0xF7, 0xFA);
    public static readonly SKColor CalloutFill = new(0xEC, 0xF2, 0xF9);

    // A site the model was trained on: amber, so it cannot be mistaken for external evidence.
    public static readonly SKColor WarnFill = new(0xFC, 0xEE, 0xD2);
    public static readonly SKColor WarnInk = new(0x8A, 0x45, 0x00);

    // A gap that is distinguishable and worse, and a failed acceptance rule: dark red, and always bold.
    public static readonly SKColor WorseInk = new(0xA3, 0x1B, 0x1B);
    public static readonly SKColor FailFill = new(0xF8, 0xDE, 0xDE);
    public static readonly SKColor PassInk = new(0x1C, 0x6B, 0x34);


    // Charts: the Okabe-Ito palette (Okabe & Ito 2008), told apart with every common colour-vision deficiency.
    public static readonly SKColor Site = new(0x00, 0x72, 0xB2);        // blue: the site's own curve
    public static readonly SKColor SiteBand = new(0x00, 0x72, 0xB2, 0x38);
    public static readonly SKColor Development = new(0x55, 0x55, 0x55); // grey, dashed: the development reference
    public static readonly SKColor Events = new(0xD5, 0x5E, 0x00);      // vermillion: events (the positive class)
    public static readonly SKColor NonEvents = new(0x56, 0xB4, 0xE9);   // sky blue: non-events
    public static readonly SKColor TreatAll = new(0xE6, 0x9F, 0x00);    // orange
    public static readonly SKColor Pooled = new(0x00, 0x9E, 0x73);      // bluish green: pooled estimates
    public static readonly SKColor Tolerance = new(0x00, 0x9E, 0x73, 0x26);
    public static readonly SKColor Reference = new(0x8A, 0x94, 0xA3);   // the ideal line (diagonal, 0, 1)
    public static readonly SKColor Grid = new(0xE3, 0xE7, 0xED);

    public const float TitleSize = 17;
    public const float SectionSize = 11;
    public const float SubsectionSize = 9.5f;
    public const float BodySize = 8.5f;
    public const float SmallSize = 7.5f;
    public const float FooterSize = 7;
}
