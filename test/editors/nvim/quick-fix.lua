-- FK Guard in a real Neovim (0.7+), driven headless by ../run.ts. Neovim is configured by nothing but the README's
-- snippet (passed as -u init.lua), so this proves that snippet: the file type comes from Neovim's own detection,
-- the server from the PATH. Loaded with --cmd, before init.lua, so the recorder below sees every notification;
-- run.ts then calls FkguardQuickFix.run() with -c once the model file is loaded.
--
-- Every wait is vim.wait with a deadline, which keeps the event loop turning until the condition holds.

local M = {}
_G.FkguardQuickFix = M

-- The diagnostics exactly as the server published them, by URI. Neovim 0.7 converts published ranges to byte
-- columns and, when it hands them back (vim.lsp.diagnostic.get_line_diagnostics), sends the byte columns as if
-- they were UTF-16 characters; a code-action request must carry the server's own ranges.
local published = {}
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result then
    published[result.uri] = { version = result.version, diagnostics = result.diagnostics }
  end
  return default_publish(err, result, ctx, config)
end

local started = vim.loop.hrtime()
local function ms()
  return math.floor((vim.loop.hrtime() - started) / 1e6)
end

local function say(line)
  io.stdout:write(line .. '\n')
end

local function wait_for(what, timeout, check)
  local value
  local ok = vim.wait(timeout, function()
    value = check()
    return value ~= nil and value ~= false
  end, 10)
  if not ok then
    error('timed out after ' .. timeout .. ' ms waiting for ' .. what, 0)
  end
  return value
end

local function expect(cond, message)
  if not cond then
    error(message, 0)
  end
end

local function by_rule(diagnostics, rule)
  local found = {}
  for _, d in ipairs(diagnostics or {}) do
    if d.code == rule then
      table.insert(found, d)
    end
  end
  return found
end

local function test()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  expect(vim.bo[bufnr].filetype == 'python', 'the file type is "' .. vim.bo[bufnr].filetype .. '", not python')

  local client = wait_for('the README snippet to attach fkguard', 10000, function()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == 'fkguard' then
        return c
      end
    end
  end)
  expect(client.offset_encoding == 'utf-16', 'offset encoding ' .. tostring(client.offset_encoding))
  say(('ok   fkguard attached to %s (%d ms)'):format(vim.fn.expand('%:t'), ms()))

  -- 1. The unknown-table diagnostic arrives, and Neovim puts it on the bytes of the string `"user.id"` although
  --    the line holds characters before it that take more bytes than UTF-16 code units.
  local raw = wait_for('the unknown-table diagnostic', 20000, function()
    local p = published[uri]
    return p and by_rule(p.diagnostics, 'unknown-table')[1]
  end)
  local line = vim.api.nvim_buf_get_lines(bufnr, raw.range.start.line, raw.range.start.line + 1, true)[1]
  local target = '"user.id"'
  local byte_start = line:find(target, 1, true) - 1
  local shown = wait_for('the diagnostic in vim.diagnostic', 5000, function()
    return by_rule(vim.diagnostic.get(bufnr), 'unknown-table')[1]
  end)
  expect(
    shown.lnum == raw.range.start.line and shown.col == byte_start and shown.end_col == byte_start + #target,
    ('the diagnostic covers bytes %d-%d of line %d, %s is at bytes %d-%d'):format(
      shown.col, shown.end_col, shown.lnum + 1, target, byte_start, byte_start + #target)
  )
  expect(shown.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(shown.severity))
  say(('ok   unknown-table on line %d, bytes %d-%d (UTF-16 %d-%d): %s (%d ms)'):format(
    shown.lnum + 1, shown.col, shown.end_col, raw.range.start.character, raw.range['end'].character,
    shown.message, ms()))

  -- 2. The quick fixes for it; the preferred one is applied with the client's position encoding.
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = raw.range,
    context = { diagnostics = { raw }, only = { 'quickfix' } },
  }, 10000)
  expect(responses and responses[client.id], 'no answer to textDocument/codeAction')
  expect(not responses[client.id].err, 'codeAction failed: ' .. vim.inspect(responses[client.id].err))
  local actions = responses[client.id].result or {}
  local preferred
  for _, action in ipairs(actions) do
    if action.isPreferred then
      expect(not preferred, 'more than one preferred quick fix')
      preferred = action
    end
  end
  expect(preferred and preferred.edit, 'no preferred quick fix with an edit among ' .. #actions .. ' actions')
  expect(preferred.kind == 'quickfix', 'kind ' .. tostring(preferred.kind))
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  local fixed = vim.api.nvim_buf_get_lines(bufnr, raw.range.start.line, raw.range.start.line + 1, true)[1]
  expect(fixed == line:gsub('ForeignKey%("user%.id"%)', 'ForeignKey("users.id")'), 'after the fix the line reads: ' .. fixed)
  say(('ok   applied "%s" (%d ms)'):format(preferred.title, ms()))

  -- 3. Neovim sends the edit as a didChange; the fresh diagnostics for the new version have no unknown-table.
  wait_for('the diagnostic to go', 20000, function()
    local p = published[uri]
    return p and p.version == vim.lsp.util.buf_versions[bufnr] and #by_rule(p.diagnostics, 'unknown-table') == 0
      and #vim.diagnostic.get(bufnr) == 0
  end)
  say(('ok   the diagnostic went with version %d (%d ms)'):format(vim.lsp.util.buf_versions[bufnr], ms()))

  -- 4. Hover and definition through the same client: on `users` of the fixed `"users.id"` (its UTF-16 position
  --    from the server's own range), a hover card of the table, and the definition in app/users.py.
  local position = { line = raw.range.start.line, character = raw.range.start.character + 2 }
  local function ask(method, params)
    local r = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
    expect(r and r[client.id], 'no answer to ' .. method)
    expect(not r[client.id].err, method .. ' failed: ' .. vim.inspect(r[client.id].err))
    return r[client.id].result
  end
  local hover = ask('textDocument/hover', { textDocument = { uri = uri }, position = position })
  local card = hover and hover.contents and hover.contents.value or ''
  expect(card:find('**table `users`**', 1, true) and card:find('| `email` | `String(255)` | unique |', 1, true),
    'the hover card reads: ' .. card)
  say(('ok   hover on users: %s (%d ms)'):format(card:match('^[^\n]*'), ms()))
  local found = ask('textDocument/definition', { textDocument = { uri = uri }, position = position })
  local first = found and (found[1] or found)
  expect(first and first.uri and first.uri:match('/app/users%.py$'), 'definition: ' .. vim.inspect(found))
  -- `__tablename__ = "users"` is line 7: the definition is the name inside the quotes.
  expect(first.range.start.line == 6 and first.range.start.character == 21, 'definition at ' .. vim.inspect(first.range))
  say(('ok   definition of users: app/users.py:%d:%d (%d ms)'):format(first.range.start.line + 1, first.range.start.character, ms()))

  vim.cmd('silent write')
end

function M.run()
  local ok, err = pcall(test)
  if not ok then
    say('FAIL ' .. tostring(err))
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

return M
