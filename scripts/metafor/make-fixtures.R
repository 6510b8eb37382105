#!/usr/bin/env Rscript
# Generates the reference fixtures that test/stats/*.test.ts compare against (tests never need R).
# Usage (from the repository root):  Rscript scripts/metafor/make-fixtures.R
# Needs: r-base-core, r-cran-metafor, r-cran-metadat (Debian packages). Output: test/fixtures/meta/fits.jsonl and
# test/fixtures/meta/extras.jsonl (leave1out, cumul, regtest, ranktest, trimfill, subgroups, categorical moderators)
# Each line is one fit in the `regenspine meta --batch` input format plus "expected": metafor's numbers.
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
source(file.path(here, "common.R"))
suppressMessages(library(metadat))
set.seed(20261122)

# EXTRAS_ONLY=1 regenerates only extras.jsonl (the pooling fits then go to a temporary file)
out <- if (identical(Sys.getenv("EXTRAS_ONLY"), "1")) tempfile() else file.path("test", "fixtures", "meta", "fits.jsonl")
con <- file(out, "w")

methods.re <- c("DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")
methods.all <- c("EE", methods.re)

transf.for <- function(measure) switch(measure,
  RR = exp, OR = exp, PETO = exp, ROM = exp, PLN = exp, PLO = transf.ilogit,
  PAS = transf.iarcsin, ZCOR = transf.ztor, NULL)

fit.one <- function(measure, method, test, df) {
  cols <- intersect(c("ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "xi", "mi", "sdi", "ni", "ri", "yi", "vi"), names(df))
  if (method %in% c("MH", "PETO")) {
    cargs <- lapply(cols, function(cn) df[[cn]]); names(cargs) <- cols
    res <- if (method == "MH") do.call(rma.mh, c(cargs, list(measure = measure))) else do.call(rma.peto, cargs)
    if (is.na(res$beta[1])) stop("MH estimate cannot be computed")
    w <- weights(res)
    return(list(k = res$k, estimate = res$beta[1], se = res$se, zval = res$zval, pval = res$pval,
      ci_lb = res$ci.lb, ci_ub = res$ci.ub, pi_lb = NA, pi_ub = NA, tau2 = 0, I2 = res$I2, H2 = res$H2,
      Q = res$QE, Qp = res$QEp, yi = jarr(as.vector(res$yi)), vi = jarr(as.vector(res$vi)), weights = jarr(unname(w))))
  }
  if (measure == "GEN") {
    es <- data.frame(yi = df$yi, vi = df$vi)
    ni <- rep(NA_real_, nrow(df))
  } else {
    eargs <- lapply(cols, function(cn) df[[cn]]); names(eargs) <- cols
    es <- do.call(escalc, c(list(measure = measure), eargs))
    ni <- attr(es$yi, "ni")
  }
  res <- rma(es$yi, es$vi, method = method, test = test)
  pr <- predict(res)
  e <- list(k = res$k, estimate = res$beta[1], se = res$se)
  if (test == "knha") e$tval <- res$zval else e$zval <- res$zval
  e <- c(e, list(pval = res$pval, ci_lb = res$ci.lb, ci_ub = res$ci.ub,
    pi_lb = if (method == "EE") NA else pr$pi.lb, pi_ub = if (method == "EE") NA else pr$pi.ub,
    tau2 = res$tau2, se_tau2 = res$se.tau2, I2 = res$I2, H2 = res$H2, Q = res$QE, Qp = res$QEp,
    yi = jarr(as.vector(res$yi)), vi = jarr(as.vector(res$vi)), weights = jarr(unname(weights(res)))))
  if (method != "EE" && res$k > 1) {
    ci <- tryCatch(suppressWarnings(confint(res)$random), error = function(err) NULL)
    if (!is.null(ci)) e <- c(e, list(tau2_lb = ci[1, 2], tau2_ub = ci[1, 3], I2_lb = ci[3, 2], I2_ub = ci[3, 3]))
  }
  tf <- transf.for(measure)
  used <- !is.na(es$yi) & !is.na(es$vi)
  if (measure == "PFT") {
    p2 <- predict(res, transf = transf.ipft.hm, targs = list(ni = ni[used]))
  } else if (!is.null(tf)) {
    p2 <- predict(res, transf = tf)
  } else p2 <- NULL
  if (!is.null(p2)) e <- c(e, list(est_t = p2$pred, ci_lb_t = p2$ci.lb, ci_ub_t = p2$ci.ub))
  e
}

emit <- function(id, measure, method, test, df) {
  exp <- tryCatch(suppressWarnings(fit.one(measure, method, test, df)), error = function(err) list(error = conditionMessage(err)))
  data <- df[, intersect(c("study", "ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "xi", "mi", "sdi", "ni", "ri", "yi", "vi"), names(df)), drop = FALSE]
  line <- list(id = id, measure = measure, method = method, test = test, data = data, expected = exp)
  writeLines(tojson(line), con)
}

run.set <- function(name, df, measures, mh = FALSE) {
  for (ms in measures) {
    for (me in methods.all) for (te in c("z", "knha")) emit(paste(name, ms, me, te, sep = "/"), ms, me, te, df)
  }
  if (mh) {
    for (ms in c("OR", "RR", "RD")) emit(paste(name, ms, "MH", "z", sep = "/"), ms, "MH", "z", df)
    emit(paste(name, "PETO", "PETO", "z", sep = "/"), "PETO", "PETO", "z", df)
  }
}

## ---- 2x2 tables
tab <- list(
  bcg = with(dat.bcg, data.frame(ai = tpos, bi = tneg, ci = cpos, di = cneg)),
  nielweise2007 = dat.nielweise2007[, c("ai", "n1i", "ci", "n2i")],
  hine1989 = dat.hine1989[, c("ai", "n1i", "ci", "n2i")],
  yusuf1985_t6 = subset(dat.yusuf1985, table == "6")[, c("ai", "n1i", "ci", "n2i")],
  egger2001 = dat.egger2001[, c("ai", "n1i", "ci", "n2i")],
  lau1992 = dat.lau1992[, c("ai", "n1i", "ci", "n2i")],
  collins1985a = with(dat.collins1985a, data.frame(ai = b.xti, n1i = nti, ci = b.xci, n2i = nci)),
  linde2005 = dat.linde2005[, c("ai", "n1i", "ci", "n2i")],
  axfors2021 = with(dat.axfors2021, data.frame(ai = hcq_arm_event, n1i = hcq_arm_total, ci = control_arm_event, n2i = control_arm_total))
)
gen.sparse <- function(k, n, p1, p2) {
  n1 <- sample(n, k, replace = TRUE); n2 <- sample(n, k, replace = TRUE)
  data.frame(ai = rbinom(k, n1, p1), bi = NA, ci = rbinom(k, n2, p2), di = NA, n1 = n1, n2 = n2)
}
fix22 <- function(d) data.frame(ai = d$ai, bi = d$n1 - d$ai, ci = d$ci, di = d$n2 - d$ci)
tab$sparse1 <- fix22(gen.sparse(10, 10:40, 0.05, 0.10))
tab$sparse2 <- fix22(gen.sparse(6, 5:15, 0.02, 0.08))
tab$double0 <- data.frame(ai = c(0, 2, 0, 5, 0), bi = c(20, 18, 30, 45, 12), ci = c(0, 4, 1, 9, 0), di = c(20, 16, 29, 41, 13))
tab$k1 <- data.frame(ai = 12, bi = 88, ci = 20, di = 80)
tab$k2 <- data.frame(ai = c(12, 3), bi = c(88, 47), ci = c(20, 9), di = c(80, 41))
tab$k3 <- data.frame(ai = c(12, 3, 40), bi = c(88, 47, 60), ci = c(20, 9, 10), di = c(80, 41, 90))
tab$identical <- data.frame(ai = rep(10, 4), bi = rep(90, 4), ci = rep(15, 4), di = rep(85, 4))
het <- local({ k <- 12; th <- rnorm(k, 0, 1.2); n <- sample(50:400, k); p2 <- runif(k, 0.1, 0.4)
  p1 <- plogis(qlogis(p2) + th); a <- rbinom(k, n, p1); c <- rbinom(k, n, p2); data.frame(ai = a, bi = n - a, ci = c, di = n - c) })
tab$hugehet <- het
tab$allevents <- data.frame(ai = c(10, 8, 0), bi = c(0, 2, 10), ci = c(9, 10, 1), di = c(1, 0, 9))
for (nm in names(tab)) run.set(nm, tab[[nm]], c("RR", "OR", "RD", "PETO"), mh = TRUE)

## ---- two-group means
mn <- list(normand1999 = dat.normand1999[, c("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")])
gen.means <- function(k, delta, tau, nrange) {
  n1 <- sample(nrange, k, TRUE); n2 <- sample(nrange, k, TRUE); th <- rnorm(k, delta, tau)
  data.frame(m1i = round(rnorm(k, 10 + th, 1 / sqrt(n1)), 3), sd1i = round(runif(k, 1, 3), 3), n1i = n1,
             m2i = round(rnorm(k, 10, 1 / sqrt(n2)), 3), sd2i = round(runif(k, 1, 3), 3), n2i = n2)
}
mn$means20 <- gen.means(20, 0.5, 0.3, 10:80)
mn$meanshet <- gen.means(8, 1, 3, 5:30)
mn$meanssmall <- gen.means(5, 0.2, 0, 2:6)
mn$meansk1 <- gen.means(1, 0.5, 0, 20:30)
mn$meansk2 <- gen.means(2, 0.5, 0, 20:30)
for (nm in names(mn)) run.set(nm, mn[[nm]], c("MD", "SMD", "ROM"))

## ---- single proportions
pr <- list(pritz1997 = dat.pritz1997[, c("xi", "ni")])
pr$props0 <- data.frame(xi = c(0, 3, 10, 25, 0, 40), ni = c(20, 30, 40, 50, 15, 40))
pr$props_rare <- local({ n <- sample(30:300, 15, TRUE); data.frame(xi = rbinom(15, n, 0.02), ni = n) })
pr$props_het <- local({ n <- sample(20:200, 10, TRUE); data.frame(xi = rbinom(10, n, runif(10, 0.05, 0.95)), ni = n) })
pr$propsk1 <- data.frame(xi = 7, ni = 40)
for (nm in names(pr)) run.set(nm, pr[[nm]], c("PR", "PLN", "PLO", "PAS", "PFT"))

## ---- correlations
co <- list(molloy2014 = dat.molloy2014[, c("ri", "ni")])
co$cor_small <- data.frame(ri = c(0.1, 0.5, -0.2, 0.9, 0.3, 0.45), ni = c(4, 12, 30, 8, 100, 5))
co$cor_het <- local({ n <- sample(10:200, 14, TRUE); data.frame(ri = round(tanh(rnorm(14, 0.3, 0.5)), 4), ni = n) })
co$cor_k2 <- data.frame(ri = c(0.3, 0.35), ni = c(50, 80))
for (nm in names(co)) run.set(nm, co[[nm]], c("COR", "ZCOR"))

## ---- generic yi/vi
gn <- list(hackshaw1998 = dat.hackshaw1998[, c("yi", "vi")], raudenbush1985 = dat.raudenbush1985[, c("yi", "vi")])
gn$gen_het <- local({ v <- runif(15, 0.01, 0.5); data.frame(yi = rnorm(15, 0, sqrt(v + 4)), vi = v) })
gn$gen_homog <- local({ v <- runif(10, 0.05, 0.2); data.frame(yi = rnorm(10, 0.3, 0.01), vi = v) })
gn$gen_equal <- data.frame(yi = rep(0.4, 5), vi = c(0.1, 0.2, 0.05, 0.3, 0.1))
gn$gen_k1 <- data.frame(yi = 0.3, vi = 0.04)
gn$gen_k2 <- data.frame(yi = c(0.3, 1.2), vi = c(0.04, 0.02))
gn$gen_k3_na <- data.frame(yi = c(0.3, NA, 1.2, -0.4), vi = c(0.04, 0.1, 0.02, 0.09))
gn$gen_large <- local({ v <- runif(60, 0.001, 0.05); data.frame(yi = rnorm(60, -0.2, sqrt(v + 0.02)), vi = v) })
gn$gen_scale <- local({ v <- runif(8, 1e-4, 1e-3); data.frame(yi = rnorm(8, 1e-2, sqrt(v + 1e-3)), vi = v) })
for (nm in names(gn)) run.set(nm, gn[[nm]], "GEN")

close(con)
cat("wrote", out, "\n")

## ==== Beyond pooling: leave1out, cumul, regtest, ranktest, trimfill, subgroups, categorical moderators
## Written to test/fixtures/meta/extras.jsonl (separate RNG stream, so fits.jsonl above is unchanged).
set.seed(20261123)
out2 <- file.path("test", "fixtures", "meta", "extras.jsonl")
con2 <- file(out2, "w")
v <- function(x) jarr(unname(as.vector(x)))
safe <- function(expr) tryCatch(suppressWarnings(expr), error = function(err) list(error = conditionMessage(err)))

ex.sets <- list()
b <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
ex.sets$bcg <- list(yi = b$yi, vi = b$vi, g = as.character(dat.bcg$alloc), x = dat.bcg$ablat, x2 = dat.bcg$year)
n9 <- escalc("MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999)
ex.sets$normand1999 <- list(yi = n9$yi, vi = n9$vi, g = ifelse(seq_len(nrow(n9)) %% 3 == 0, "late", "early"), x = seq_len(nrow(n9)))
ex.sets$hackshaw1998 <- list(yi = dat.hackshaw1998$yi, vi = dat.hackshaw1998$vi, g = as.character(dat.hackshaw1998$design), x = dat.hackshaw1998$year)
ex.sets$raudenbush1985 <- list(yi = dat.raudenbush1985$yi, vi = dat.raudenbush1985$vi, g = as.character(dat.raudenbush1985$tester), x = pmin(dat.raudenbush1985$weeks, 3))
mo <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
ex.sets$molloy2014 <- list(yi = mo$yi, vi = mo$vi, g = ifelse(dat.molloy2014$controls == "none", "none", "some"), x = dat.molloy2014$meanage)
for (kk in c(3, 4, 5, 8, 12, 20, 40)) {
  vv <- runif(kk, 0.01, 0.3)
  asym <- if (kk >= 8) 0.8 * sqrt(vv) else 0
  yy <- rnorm(kk, 0.3 + asym, sqrt(vv + runif(1, 0, 0.1)))
  ex.sets[[paste0("sim_k", kk)]] <- list(yi = yy, vi = vv, g = sample(c("alpha", "Beta", "gamma"), kk, TRUE), x = round(runif(kk, 0, 10), 1))
}
ex.sets$sim_homog <- list(yi = rnorm(10, 0.2, 0.01), vi = runif(10, 0.05, 0.2), g = rep(c("a", "b"), 5), x = 1:10)
ex.sets$sim_right <- local({ vv <- runif(14, 0.01, 0.4); list(yi = rnorm(14, -0.5 - 1.2 * sqrt(vv), sqrt(vv)), vi = vv, g = rep(c("x", "y"), 7), x = 1:14) })

rows.of <- function(r) list(estimate = v(r$estimate), se = v(r$se), zval = v(if (!is.null(r$zval)) r$zval else r$tval), pval = v(if (!is.null(r$pval)) r$pval else r$pvals),
  ci_lb = v(r$ci.lb), ci_ub = v(r$ci.ub), Q = v(r$Q), Qp = v(r$Qp), tau2 = v(r$tau2), I2 = v(r$I2), H2 = v(r$H2))
fitsum <- function(r) list(k = r$k, beta = v(r$beta), se = v(r$se), zval = v(r$zval), pval = v(r$pval), ci_lb = v(r$ci.lb), ci_ub = v(r$ci.ub),
  tau2 = r$tau2, QE = r$QE, QEp = r$QEp, QM = r$QM, QMp = r$QMp, QMdf = v(r$QMdf), I2 = r$I2, R2 = if (is.null(r$R2)) NA else r$R2)

for (nm in names(ex.sets)) {
  s <- ex.sets[[nm]]
  for (me in c("EE", "DL", "REML", "PM")) for (te in c("z", "knha")) {
    e <- list()
    fit <- safe(rma(s$yi, s$vi, method = me, test = te))
    if (!inherits(fit, "rma")) next
    e$leave1out <- safe(rows.of(leave1out(fit)))
    e$cumul <- safe(rows.of(cumul(fit)))
    e$regtest <- safe({ r <- regtest(fit); list(zval = r$zval, pval = r$pval, ddf = if (is.null(r$ddf)) NA else r$ddf, est = r$est, ci_lb = r$ci.lb, ci_ub = r$ci.ub) })
    e$ranktest <- safe({ r <- ranktest(fit); list(tau = unname(r$tau), pval = r$pval) })
    e$trimfill <- safe({ r <- trimfill(fit); list(k0 = r$k0, se_k0 = r$se.k0, side = r$side, fit = fitsum(r), yi_fill = v(r$yi[r$fill]), vi_fill = v(r$vi[r$fill])) })
    e$trimfill_R0 <- safe({ r <- trimfill(fit, estimator = "R0"); list(k0 = r$k0, se_k0 = r$se.k0, side = r$side, p_k0 = r$p.k0, fit = fitsum(r)) })
    g <- s$g
    e$subgroups <- safe({
      lev <- sort(unique(g))
      per <- lapply(lev, function(l) safe(fitsum(rma(s$yi[g == l], s$vi[g == l], method = me, test = te))))
      names(per) <- lev
      mm <- rma(s$yi, s$vi, mods = ~ factor(g), method = me, test = te)
      okl <- lev[vapply(per, function(p) is.null(p$error), TRUE)]
      est <- vapply(okl, function(l) per[[l]]$beta[[1]], 0); se <- vapply(okl, function(l) per[[l]]$se[[1]], 0)
      bt <- safe({ f <- rma(est, sei = se, mods = ~ factor(okl), method = "FE"); list(QM = f$QM, QMp = f$QMp, QMdf = v(f$QMdf)) })
      list(levels = v(lev), groups = per, moderator = fitsum(mm), between = bt)
    })
    e$mods <- safe({ x <- s$x; fitsum(rma(s$yi, s$vi, mods = ~ factor(g) + x, method = me, test = te)) })
    writeLines(tojson(list(id = paste(nm, me, te, sep = "/"), method = me, test = te, yi = v(s$yi), vi = v(s$vi), g = v(s$g), x = v(s$x), expected = e)), con2)
  }
}
close(con2)
cat("wrote", out2, "\n")
