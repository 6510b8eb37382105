#!/usr/bin/env Rscript
# Reference fixtures for the outcomes analysis (src/registry/analysis, src/stats/binomial.ts, describe.ts,
# survival.ts); test/registry/analysis-r.test.ts compares against them and never needs R.
# Usage (from the repository root):  Rscript scripts/r/analysis-fixtures.R
# Needs: r-base-core and r-cran-survival (Debian). Writes test/fixtures/analysis/:
#   primitives.json  binom.test / prop.test(correct = FALSE) / poisson.test / t.test / quantile / survfit cases
#   cohort.jsonl     a synthetic cohort in the `regenspine analyze` record format (seeded, no real patients)
#   cohort-expected.json  the analysis of that cohort computed here, independently of the TypeScript code:
#                    its own window, baseline and responder logic, binom.test, prop.test, t.test, survfit,
#                    poisson.test.
# The windows and rules below are those of config/registry.json "registry-2025.1" and
# config/instruments.json "instruments-2025.1" with config/analysis.json "analysis-2025.1" (NRS: 2 points
# only); the test checks these versions, so a changed setting asks for the fixtures to be regenerated.
suppressMessages(library(survival))
set.seed(20261201)
out <- file.path("test", "fixtures", "analysis")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

# ---- minimal JSON writer, 17 significant digits (jsonlite rounds to 15) --------------------------------
jarr <- function(x) structure(list(x), class = "jarr")
jnum <- function(x) {
  if (is.na(x) || !is.finite(x)) return("null")
  if (x == round(x) && abs(x) < 1e15) return(sprintf("%.0f", x))
  sprintf("%.17g", x)
}
jstr <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
tojson <- function(x) {
  if (inherits(x, "jarr")) {
    v <- x[[1]]
    return(paste0("[", paste(vapply(v, function(e) tojson(if (is.list(v)) e else unname(e)), ""), collapse = ","), "]"))
  }
  if (is.null(x)) return("null")
  if (is.list(x)) {
    nm <- names(x)
    if (length(x) == 0) return(if (is.null(nm)) "[]" else "{}")
    if (is.null(nm)) return(paste0("[", paste(vapply(x, tojson, ""), collapse = ","), "]"))
    return(paste0("{", paste(paste0(jstr(nm), ":", vapply(x, tojson, "")), collapse = ","), "}"))
  }
  if (length(x) != 1) return(tojson(jarr(x)))
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.numeric(x)) return(jnum(x))
  jstr(as.character(x))
}

CONF_TYPE <- "log-log"
ci2 <- function(v) if (any(is.na(v))) NULL else jarr(as.numeric(v))

# ---- 1. primitives ------------------------------------------------------------------------------------
props <- list(c(0, 1), c(1, 1), c(0, 10), c(10, 10), c(1, 10), c(3, 7), c(7, 12), c(50, 100), c(67, 100),
  c(8, 100), c(1, 1000), c(999, 1000), c(123, 4567), c(2, 5), c(4, 5))
prop_cases <- lapply(props, function(p) {
  x <- p[1]; n <- p[2]
  list(x = x, n = n, exact = jarr(as.numeric(binom.test(x, n)$conf.int)),
    wilson = jarr(as.numeric(prop.test(x, n, correct = FALSE)$conf.int)))
})
pois <- list(c(0, 12), c(1, 12), c(3, 12), c(10, 250), c(57, 1000))
pois_cases <- lapply(pois, function(p) list(x = p[1], exposure = p[2], ci = jarr(as.numeric(poisson.test(p[1], p[2])$conf.int))))
samples <- list(c(-10, -12, -4, -14, 2, -16), round(rnorm(25, -8, 11), 1), c(1, 2), c(-3, -3, -3, -2), rnorm(200, 0, 1))
sample_cases <- lapply(samples, function(s) {
  q <- quantile(s, c(0.25, 0.5, 0.75), type = 7)
  list(x = jarr(s), mean = mean(s), sd = sd(s), ci = jarr(as.numeric(t.test(s)$conf.int)),
    q1 = q[[1]], median = q[[2]], q3 = q[[3]])
})
km_case <- function(time, status, times) {
  f <- survfit(Surv(time, status) ~ 1, conf.type = CONF_TYPE)
  s <- summary(f, times = times, extend = FALSE)
  list(time = jarr(time), status = jarr(as.logical(status)), times = jarr(times),
    rows = lapply(seq_along(s$time), function(i) list(time = s$time[i], at_risk = s$n.risk[i], events = s$n.event[i],
      survival = s$surv[i], lower = s$lower[i], upper = s$upper[i])),
    steps = lapply(seq_along(f$time), function(i) list(time = f$time[i], at_risk = f$n.risk[i], events = f$n.event[i],
      survival = f$surv[i], se_log = f$std.err[i], lower = f$lower[i], upper = f$upper[i])))
}
t1 <- c(5, 8, 8, 12, 20, 25, 30, 30, 40); s1 <- c(0, 1, 0, 1, 1, 0, 1, 0, 0)
t2 <- round(rexp(120, 1 / 400)); s2 <- rbinom(120, 1, 0.4)
# the aml data of the survival package (Miller 1981), maintained group
t3 <- aml$time[aml$x == "Maintained"]; s3 <- aml$status[aml$x == "Maintained"]
km_cases <- list(km_case(t1, s1, c(1, 10, 20, 35, 50)), km_case(t2, s2, c(30, 91, 182, 365, 730)),
  km_case(t3, s3, c(5, 10, 20, 30, 40)))
writeLines(tojson(list(conf_type = CONF_TYPE, r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  proportions = prop_cases, poisson = pois_cases, samples = sample_cases, km = km_cases)),
  file.path(out, "primitives.json"))

# ---- 2. a synthetic cohort and its analysis --------------------------------------------------------------
TP <- data.frame(months = c(1, 3, 6, 12, 24), before = c(7, 14, 30, 45, 60), after = c(14, 28, 45, 60, 90))
BASE_BEFORE <- 30
AS_OF <- as.Date("2026-06-30")
N <- 300
add_months <- function(d, m) seq(d, by = paste(m, "months"), length.out = 2)[2]  # procedure days are 1-28: no clamping
days_per_month <- 365.25 / 12

pts <- vector("list", N)
for (i in seq_len(N)) {
  proc <- as.Date("2023-06-01") + sample(0:1000, 1)
  proc <- as.Date(sprintf("%s-%02d", format(proc, "%Y-%m"), sample(1:28, 1)))
  visits <- list()
  odi0 <- sample(8:70, 1); nrs0 <- sample(0:10, 1)
  has_base <- runif(1) > 0.05
  if (has_base) {
    visits[[length(visits) + 1]] <- list(date = proc - sample(c(0:35), 1), ODI = odi0, NRS = nrs0,
      mme = if (runif(1) < 0.5) 0 else sample(c(10, 20, 30, 45, 60), 1))
  }
  withdrawn <- if (runif(1) < 0.08) proc + sample(20:500, 1) else NA
  for (k in seq_len(nrow(TP))) {
    target <- add_months(proc, TP$months[k])
    if (runif(1) < 0.2) next                           # missed visit
    d <- target + sample(-25:100, 1)                    # sometimes outside the window
    if (d > AS_OF) next
    if (!is.na(withdrawn) && d > withdrawn) next
    odi <- max(0, min(100, odi0 - sample(-8:30, 1))); nrs <- max(0, min(10, nrs0 - sample(-2:6, 1)))
    v <- list(date = d, mme = if (runif(1) < 0.15) NA else if (runif(1) < 0.55) 0 else sample(c(5, 10, 20, 30), 1))
    if (runif(1) > 0.1) v$ODI <- odi
    if (runif(1) > 0.1) v$NRS <- nrs
    visits[[length(visits) + 1]] <- v
  }
  if (runif(1) < 0.1) visits[[length(visits) + 1]] <- list(date = proc + sample(1:400, 1), ODI = sample(0:60, 1), mme = NA)  # an extra visit
  visits <- Filter(function(v) v$date <= AS_OF, visits)
  reint <- if (runif(1) < 0.25) proc + sample(10:700, 1) else NA
  if (!is.na(reint) && reint > AS_OF) reint <- NA
  vd <- if (length(visits)) max(do.call(c, lapply(visits, `[[`, "date"))) else proc
  last <- if (runif(1) < 0.7) max(vd, proc + sample(0:200, 1)) else NA
  if (!is.na(last) && last > AS_OF) last <- AS_OF
  if (!is.na(reint) && !is.na(last) && last < reint) last <- reint
  ae <- list()
  for (j in seq_len(rpois(1, 0.3))) ae[[j]] <- list(grade = sample(1:5, 1, prob = c(0.5, 0.3, 0.15, 0.04, 0.01)),
    serious = runif(1) < 0.15, proc = sample(c("unrelated", "unlikely", "possible", "probable", "definite", NA), 1),
    prod = sample(c("unrelated", "unlikely", "possible", NA), 1))
  pts[[i]] <- list(id = sprintf("R%03d", i), proc = proc, therapy = sample(c("PRP", "BMC", "MSC"), 1), visits = visits,
    withdrawn = withdrawn, reint = reint, last = last, ae = ae)
}

fmt <- function(d) format(d, "%Y-%m-%d")
lines <- vapply(pts, function(p) {
  vis <- lapply(p$visits, function(v) {
    sc <- list(); if (!is.null(v$ODI)) sc$ODI <- v$ODI; if (!is.null(v$NRS)) sc$NRS <- v$NRS
    o <- list(date = fmt(v$date), scores = if (length(sc)) sc else structure(list(), names = character(0)))
    if (!is.na(v$mme)) o$mme_per_day <- v$mme
    o
  })
  rec <- list(patient = p$id, procedure_date = fmt(p$proc), therapy = p$therapy, visits = jarr(vis),
    events = if (is.na(p$reint)) jarr(list()) else jarr(list(list(type = "reintervention", date = fmt(p$reint)))))
  if (!is.na(p$last)) rec$last_contact <- fmt(p$last)
  if (!is.na(p$withdrawn)) rec$withdrawn <- fmt(p$withdrawn)
  rec$adverse_events <- jarr(lapply(p$ae, function(a) {
    o <- list(grade = a$grade, serious = a$serious)
    if (!is.na(a$proc)) o$attribution_procedure <- a$proc
    if (!is.na(a$prod)) o$attribution_product <- a$prod
    o
  }))
  tojson(rec)
}, "")
writeLines(lines, file.path(out, "cohort.jsonl"))

# The visit in [open, close] with a value for `inst`, closest to `target` (earlier on a tie).
pick <- function(visits, open, close, target, inst) {
  best <- NULL
  for (v in visits) {
    val <- if (inst == "mme") (if (is.na(v$mme)) NULL else v$mme) else v[[inst]]
    if (is.null(val) || v$date < open || v$date > close) next
    dist <- abs(as.numeric(v$date - target))
    if (is.null(best) || dist < best$dist || (dist == best$dist && v$date < best$date)) best <- list(value = val, dist = dist, date = v$date)
  }
  best
}
# Responder rule: ODI 10 points or 30% (any), NRS 2 points (docs/reference/instruments.md §1.4, §2.1; seed 002).
verdict <- function(inst, b, f) {
  if (inst == "ODI") {
    abs_ok <- if (b < 10) NA else (b - f) >= 10
    rel_ok <- if (b == 0) NA else 100 * (b - f) / b >= 30
    crit <- c(abs_ok, rel_ok)
    if (any(crit %in% TRUE)) return(TRUE)
    if (any(is.na(crit))) return(NA)
    return(FALSE)
  }
  if (b < 2) return(NA)
  (b - f) >= 2
}
prop_out <- function(x, n) {
  if (n == 0) return(list(pct = NULL, exact = NULL, wilson = NULL))
  list(pct = 100 * x / n, exact = jarr(100 * as.numeric(binom.test(x, n)$conf.int)),
    wilson = jarr(100 * as.numeric(prop.test(x, n, correct = FALSE)$conf.int)))
}
resp_rows <- list(); change_rows <- list(); opioid_rows <- list()
for (inst in c("ODI", "NRS")) for (k in seq_len(nrow(TP))) {
  cnt <- c(eligible = 0, assessed = 0, responders = 0, non_responders = 0, not_evaluable = 0, missed = 0,
    withdrawn = 0, not_yet_due = 0, no_baseline = 0)
  deltas <- c()
  for (p in pts) {
    b <- pick(p$visits, p$proc - BASE_BEFORE, p$proc, p$proc, inst)
    if (is.null(b)) { cnt["no_baseline"] <- cnt["no_baseline"] + 1; next }
    target <- add_months(p$proc, TP$months[k]); open <- target - TP$before[k]; close <- target + TP$after[k]
    f <- pick(p$visits, open, close, target, inst)
    if (is.null(f)) {
      if (close >= AS_OF) cnt["not_yet_due"] <- cnt["not_yet_due"] + 1
      else {
        cnt["eligible"] <- cnt["eligible"] + 1
        if (!is.na(p$withdrawn) && p$withdrawn <= close) cnt["withdrawn"] <- cnt["withdrawn"] + 1
        else cnt["missed"] <- cnt["missed"] + 1
      }
      next
    }
    cnt["eligible"] <- cnt["eligible"] + 1; cnt["assessed"] <- cnt["assessed"] + 1
    deltas <- c(deltas, f$value - b$value)
    v <- verdict(inst, b$value, f$value)
    if (is.na(v)) cnt["not_evaluable"] <- cnt["not_evaluable"] + 1
    else if (v) cnt["responders"] <- cnt["responders"] + 1
    else cnt["non_responders"] <- cnt["non_responders"] + 1
  }
  cc <- prop_out(cnt[["responders"]], cnt[["responders"]] + cnt[["non_responders"]])
  wc <- prop_out(cnt[["responders"]], cnt[["eligible"]] - cnt[["not_evaluable"]])
  resp_rows[[length(resp_rows) + 1]] <- c(list(instrument = inst, timepoint_months = TP$months[k]), as.list(cnt),
    list(pct = cc$pct, ci_exact = cc$exact, ci_wilson = cc$wilson, worst_case_pct = wc$pct,
      worst_case_ci_exact = wc$exact, worst_case_ci_wilson = wc$wilson))
  ch <- list(instrument = inst, timepoint_months = TP$months[k], n = length(deltas))
  if (length(deltas) >= 2) {
    q <- quantile(deltas, c(0.25, 0.5, 0.75))
    ch <- c(ch, list(mean = mean(deltas), ci = jarr(as.numeric(t.test(deltas)$conf.int)), median = q[[2]], iqr = jarr(c(q[[1]], q[[3]]))))
  }
  change_rows[[length(change_rows) + 1]] <- ch
}
for (k in seq_len(nrow(TP))) {
  b <- c(); f <- c()
  for (p in pts) {
    bb <- pick(p$visits, p$proc - BASE_BEFORE, p$proc, p$proc, "mme")
    if (is.null(bb)) next
    target <- add_months(p$proc, TP$months[k])
    ff <- pick(p$visits, target - TP$before[k], target + TP$after[k], target, "mme")
    if (is.null(ff)) next
    b <- c(b, bb$value); f <- c(f, ff$value)
  }
  row <- list(timepoint_months = TP$months[k], n = length(f))
  if (length(f) >= 2) {
    off <- sum(f == 0)
    row <- c(row, list(off_opioids = off, off_ci = jarr(100 * as.numeric(binom.test(off, length(f))$conf.int)),
      baseline_users = sum(b > 0), baseline_users_off = sum(b > 0 & f == 0),
      change_mean = mean(f - b), change_ci = jarr(as.numeric(t.test(f - b)$conf.int))))
  }
  opioid_rows[[length(opioid_rows) + 1]] <- row
}
# Treatment failure: first re-intervention; censored at last contact, else at the latest visit or event date.
tt <- c(); st <- c()
for (p in pts) {
  if (!is.na(p$reint)) { tt <- c(tt, as.numeric(p$reint - p$proc)); st <- c(st, 1); next }
  last <- if (!is.na(p$last)) p$last else max(c(p$proc, do.call(c, c(list(p$proc), lapply(p$visits, `[[`, "date")))))
  tt <- c(tt, max(0, as.numeric(last - p$proc))); st <- c(st, 0)
}
fit <- survfit(Surv(tt, st) ~ 1, conf.type = CONF_TYPE)
sm <- summary(fit, times = TP$months * days_per_month, extend = FALSE)
surv_rows <- lapply(seq_along(sm$time), function(i) list(month = TP$months[i], at_risk = sm$n.risk[i], events = sm$n.event[i],
  survival = sm$surv[i], ci = ci2(c(sm$lower[i], sm$upper[i]))))
# Adverse events per 100 procedures: procedures with >= 1 event (binom.test), events (poisson.test).
grouped <- function(a) {
  g <- c(a$proc, a$prod); g <- g[!is.na(g)]
  if (length(g) == 0) "not-assessed" else if (any(g %in% c("possible", "probable", "definite"))) "related" else "not-related"
}
ae_cat <- list(any = function(a) TRUE, "grade 3 or higher" = function(a) a$grade >= 3, serious = function(a) a$serious,
  related = function(a) grouped(a) == "related", "relatedness not assessed" = function(a) grouped(a) == "not-assessed")
ae_rows <- lapply(names(ae_cat), function(nm) {
  k <- vapply(pts, function(p) sum(vapply(p$ae, ae_cat[[nm]], TRUE)), 0)
  w <- sum(k > 0); e <- sum(k)
  list(category = nm, procedures_with_event = w, ci_exact = jarr(100 * as.numeric(binom.test(w, N)$conf.int)),
    events = e, events_ci_exact = jarr(100 * as.numeric(poisson.test(e, N)$conf.int)))
})
writeLines(tojson(list(as_of = fmt(AS_OF), conf_type = CONF_TYPE,
  config_versions = list(registry = "registry-2025.1", instruments = "instruments-2025.1", analysis = "analysis-2025.1"),
  patients = N, responders = resp_rows, change = change_rows, opioids = opioid_rows,
  survival = list(n = length(tt), events = sum(st), times = surv_rows), adverse_events = ae_rows)),
  file.path(out, "cohort-expected.json"))
cat("wrote", file.path(out, c("primitives.json", "cohort.jsonl", "cohort-expected.json")), "\n")
