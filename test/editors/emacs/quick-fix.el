;;; quick-fix.el --- FK Guard in a real Emacs with Eglot, driven in batch mode by ../run.ts  -*- lexical-binding: t -*-

;; Emacs runs with -Q and the README's Eglot snippet as its only configuration (loaded before this file, as an
;; init file would be); Eglot itself comes from Debian's elpa-eglot.  This opens a model file with
;; `ForeignKey("user.id")', starts Eglot as `M-x eglot' would, waits for the unknown-table diagnostic in Flymake,
;; applies the preferred quick fix and saves; run.ts then compares the saved file with the expected one.
;; Every wait polls the server's output against a deadline.

;;; Code:

(require 'package)
;; Debian installs elpa-eglot (and the newer project, xref, seq it needs) here, not on the default load path.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'cl-lib)

(defvar fkguard-test-started (float-time))

(defun fkguard-test-say (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n") #'external-debugging-output))

(defun fkguard-test-ms ()
  (round (* 1000 (- (float-time) fkguard-test-started))))

(defun fkguard-test-wait (what seconds check)
  "Turn the event loop until CHECK returns non-nil, or fail after SECONDS naming WHAT."
  (let ((deadline (+ (float-time) seconds))
        value)
    (while (and (not (setq value (funcall check)))
                (< (float-time) deadline))
      (accept-process-output nil 0.01))
    (or value (error "Timed out after %s s waiting for %s" seconds what))))

(defun fkguard-test-unknown-table ()
  "The flymake diagnostics of this buffer that carry an unknown-table LSP diagnostic."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d)))
           when (and lsp (equal (plist-get lsp :code) "unknown-table"))
           collect d))

(defun fkguard-test-run ()
  (find-file "app/orders.py")
  (unless (derived-mode-p 'python-mode)
    (error "The buffer is in %s, not python-mode" major-mode))
  ;; What `M-x eglot' does in this buffer: the README's entry for python-mode names the command.
  (let ((contact (eglot--guess-contact)))
    (apply #'eglot contact))
  (let ((server (fkguard-test-wait "Eglot to connect" 20 #'eglot-current-server)))
    (fkguard-test-say "ok   eglot connected to %s (%d ms)" (eglot--project-nickname server) (fkguard-test-ms)))
  (flymake-start)

  ;; 1. The diagnostic arrives in Flymake, on the characters of "user.id", after non-BMP text on its line.
  (let* ((diag (car (fkguard-test-wait "the unknown-table diagnostic" 20 #'fkguard-test-unknown-table)))
         (beg (flymake-diagnostic-beg diag))
         (end (flymake-diagnostic-end diag))
         (target (save-excursion
                   (goto-char (point-min))
                   (search-forward "\"user.id\"")
                   (cons (match-beginning 0) (match-end 0)))))
    (unless (equal (cons beg end) target)
      (error "The diagnostic covers %S, \"user.id\" is at %S" (cons beg end) target))
    (unless (eq (flymake-diagnostic-type diag) 'eglot-error)
      (error "The diagnostic is a %s" (flymake-diagnostic-type diag)))
    (fkguard-test-say "ok   unknown-table at %d-%d: %s (%d ms)" beg end (flymake-diagnostic-text diag) (fkguard-test-ms))

    ;; 2. The quick fixes there, as M-x eglot-code-action-quickfix asks for them; it would prompt when there is
    ;;    more than one, so the preferred one is picked here and applied the way Eglot applies a chosen action.
    (let* ((actions (eglot-code-actions beg end "quickfix"))
           (preferred (cl-remove-if-not (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
      (unless (= (length preferred) 1)
        (error "%d preferred quick fixes among %d actions" (length preferred) (length actions)))
      (eglot--apply-workspace-edit (plist-get (car preferred) :edit))
      (goto-char beg)
      (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
        (unless (string-suffix-p "Column(\"käufer_名_👤\", Integer, ForeignKey(\"users.id\"))" line)
          (error "After the fix the line reads: %s" line)))
      (fkguard-test-say "ok   applied \"%s\" (%d ms)" (plist-get (car preferred) :title) (fkguard-test-ms))))

  ;; 3. Saving sends the pending didChange (and didSave); the fresh diagnostics have no unknown-table.
  (save-buffer)
  (fkguard-test-wait "the diagnostic to go" 20
                     (lambda () (and (null (fkguard-test-unknown-table))
                                     (not (buffer-modified-p))
                                     (null (flymake-diagnostics)))))
  (fkguard-test-say "ok   the diagnostic went after the save (%d ms)" (fkguard-test-ms))
  (eglot-shutdown (eglot-current-server)))

(condition-case err
    (progn (fkguard-test-run) (kill-emacs 0))
  (error (fkguard-test-say "FAIL %s" (error-message-string err))
         (kill-emacs 1)))

;;; quick-fix.el ends here
