# Golden numbers for LoessTests.cs and FlexibleCalibrationTests.cs.
#
# Run:  Rscript tests/Harness.Tests/Statistics/loess_reference.R
# Made with R 4.2.2 (Debian r-base-core). The output is C# source: paste each block into the test
# classes as constants. Every fit is stats::loess(y ~ x, span, degree = 2, family = "gaussian",
# surface = "direct"), i.e. exact local fits (no kd-tree interpolation), predicted with predict().
# Frequency weights are expanded with rep(x, w): R's `weights` argument is a prior (precision)
# weight inside the kernel and does not count toward the span, so it is not used here.

options(warn = 1)

fmt <- function(v) paste(sprintf("%.17g", v), collapse = ", ")
emit <- function(name, v) cat(sprintf("    internal static readonly double[] %s = [%s];\n", name, fmt(v)))
emit1 <- function(name, v) cat(sprintf("    internal const double %s = %s;\n", name, sprintf("%.17g", v)))

fit_direct <- function(x, y, span, newx) {
  fit <- loess(y ~ x, span = span, degree = 2, family = "gaussian", surface = "direct")
  unname(predict(fit, newdata = data.frame(x = newx)))
}

# Austin & Steyerberg (2019), Stat Med 38:4051, appendix code, with surface = "direct".
ici_family <- function(p, y) {
  loess.calibrate <- loess(y ~ p, surface = "direct")
  p.calibrate <- predict(loess.calibrate, newdata = p)
  c(ICI = mean(abs(p.calibrate - p)),
    E50 = median(abs(p.calibrate - p)),
    E90 = unname(quantile(abs(p.calibrate - p), 0.9)),
    Emax = max(abs(p.calibrate - p)))
}

bits <- function(s) as.numeric(strsplit(s, "")[[1]])

# (a) A small continuous example with ties in x; queries at, between and beyond the data.
xa <- c(0.5, 1.0, 1.0, 1.7, 2.2, 2.2, 2.2, 3.1, 3.6, 4.0, 4.4, 5.0, 5.0, 5.8, 6.3,
        6.9, 7.2, 7.2, 7.9, 8.5, 9.0, 9.4, 10.1, 10.1, 10.8, 11.5, 12.0, 12.6, 13.3, 14.0)
ya <- c(2.31, 2.05, 2.62, 3.10, 3.55, 3.02, 3.80, 4.41, 4.05, 5.12, 4.87, 5.60, 6.02, 5.35, 6.80,
        6.11, 7.25, 6.64, 6.90, 7.80, 7.02, 8.15, 7.60, 8.44, 7.95, 8.20, 9.10, 8.45, 9.60, 8.90)
qa <- c(-1, 0.5, 1.0, 2.0, 2.2, 4.7, 7.2, 9.99, 13.3, 14.0, 15.5)
cat("    // (a) continuous, 30 points with ties\n")
emit("ContinuousSpan075", fit_direct(xa, ya, 0.75, qa))
emit("ContinuousSpan030", fit_direct(xa, ya, 0.30, qa))
emit("ContinuousSpan150", fit_direct(xa, ya, 1.50, qa))

# (b) A binary-outcome calibration example: p_i = 0.02 + 0.96 ((i - 1) / 59)^1.5, i = 1..60.
pb <- 0.02 + 0.96 * ((0:59) / 59)^1.5
yb <- bits("000000100000100010000101000110010011010110101101110111011111")
stopifnot(length(yb) == 60)
qb <- c(0, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1)
cat("    // (b) binary outcome, 60 points\n")
emit("BinaryAtQueries", fit_direct(pb, yb, 0.75, qb))
emit("BinaryAtData", fit_direct(pb, yb, 0.75, pb))
icib <- ici_family(pb, yb)
emit1("BinaryIci", icib[["ICI"]]); emit1("BinaryE50", icib[["E50"]])
emit1("BinaryE90", icib[["E90"]]); emit1("BinaryEmax", icib[["Emax"]])
emit("BinaryCurve7", fit_direct(pb, yb, 0.75, seq(min(pb), max(pb), length.out = 7)))

# (c) Frequency weights: R on the expanded rows.
xc <- c(0.10, 0.20, 0.20, 0.35, 0.40, 0.55, 0.60, 0.60, 0.75, 0.80, 0.90, 0.95)
yc <- c(1.20, 0.90, 1.50, 1.10, 1.70, 2.00, 1.60, 2.40, 2.10, 2.80, 2.50, 3.10)
wc <- c(1, 3, 0, 2, 1, 4, 1, 0, 2, 3, 1, 2)
qc <- c(0.1, 0.2, 0.33, 0.6, 0.77, 0.95)
cat("    // (c) frequency weights, R on rep(x, w)\n")
emit("WeightedExpanded", fit_direct(rep(xc, wc), rep(yc, wc), 0.75, qc))

# (d) Rank-deficient neighbourhoods: at x = 1 (span 0.5, q = 6) the positive-weight rows hold
# only x = 1 and x = 2; R warns "pseudoinverse used" and returns the minimum-norm solution.
xd <- c(1, 1, 2, 2, 3, 3, 3, 3, 6, 7, 8, 9)
yd <- c(1.0, 3.0, 5.0, 4.0, 6.0, 6.5, 5.5, 7.0, 8.0, 7.0, 9.0, 12.0)
cat("    // (d) rank-deficient neighbourhoods, at data values\n")
emit("RankDeficientAtData", suppressWarnings(fit_direct(xd, yd, 0.5, c(1, 2, 3, 6, 9))))
cat("    // (d') R between data values (not matched by Loess.Fit; see its remarks): x = 1.5\n")
cat("    //", fmt(suppressWarnings(fit_direct(xd, yd, 0.5, 1.5))), "\n")

# (e) The ICI family with frequency weights (R on the expanded rows) and tied predictions.
pe <- round(0.05 + 0.9 * ((0:39) / 39)^2, 2)
ye <- bits("0000100010000100101001010011011010111111")
we <- rep(c(1, 2, 0, 3), 10)
stopifnot(length(ye) == 40)
ice <- ici_family(rep(pe, we), rep(ye, we))
cat("    // (e) weighted, tied p (R on rep(p, w))\n")
emit1("WeightedIci", ice[["ICI"]]); emit1("WeightedE50", ice[["E50"]])
emit1("WeightedE90", ice[["E90"]]); emit1("WeightedEmax", ice[["Emax"]])
