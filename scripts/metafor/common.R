# Shared helpers for the fixture generators: a minimal JSON writer with full (17 significant digit) precision,
# since jsonlite rounds to 15 digits. Arrays are marked with jarr() so that length-1 vectors stay arrays.
suppressMessages(library(metafor))

jarr <- function(x) structure(list(x), class = "jarr")

.jnum <- function(x) {
  if (is.na(x) || !is.finite(x)) return("null")
  if (x == round(x) && abs(x) < 1e15) return(sprintf("%.0f", x))
  sprintf("%.17g", x)
}
.jstr <- function(s) paste0('"', gsub('"', '\\\\"', gsub("\\\\", "\\\\\\\\", s)), '"')

tojson <- function(x) {
  if (inherits(x, "jarr")) {
    v <- x[[1]]
    if (is.list(v)) return(paste0("[", paste(vapply(v, tojson, ""), collapse = ","), "]"))
    return(paste0("[", paste(vapply(v, function(e) tojson(unname(e)), ""), collapse = ","), "]"))
  }
  if (is.null(x)) return("null")
  if (is.data.frame(x)) {
    rows <- lapply(seq_len(nrow(x)), function(i) {
      as.list(x[i, , drop = FALSE])
    })
    return(tojson(jarr(rows)))
  }
  if (is.list(x)) {
    nm <- names(x)
    if (length(x) == 0) return(if (is.null(nm)) "[]" else "{}")
    if (is.null(nm)) return(paste0("[", paste(vapply(x, tojson, ""), collapse = ","), "]"))
    return(paste0("{", paste(paste0(.jstr(nm), ":", vapply(x, tojson, "")), collapse = ","), "}"))
  }
  if (length(x) != 1) return(tojson(jarr(x)))
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.numeric(x)) return(.jnum(x))
  if (is.factor(x)) return(.jstr(as.character(x)))
  .jstr(as.character(x))
}
