import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { IWorkspaceDraft } from '../api/types';
import { IEditorState } from './model';
import { validateDraft } from './validateDraft';

/**
 * Props of {@link WorkspaceForm}.
 */
export interface IWorkspaceFormProps {
  editor: IEditorState;
  trans: TranslationBundle;
  onSave: (draft: IWorkspaceDraft) => void;
  onCancel: () => void;
}

type AuthMode = 'none' | 'token' | 'basic';

/**
 * Add or edit an MLflow server or Azure ML workspace. Typed text is kept on errors; secrets are
 * write-only (an empty field keeps the stored value).
 */
export function WorkspaceForm(props: IWorkspaceFormProps): JSX.Element {
  const { editor, trans, onSave, onCancel } = props;
  const [draft, setDraft] = React.useState<IWorkspaceDraft>(editor.initial);
  const [auth, setAuth] = React.useState<AuthMode>(
    editor.initial.username ? 'basic' : editor.hasToken ? 'token' : 'none'
  );
  const [touched, setTouched] = React.useState(false);
  const errors = validateDraft(draft, trans);
  const set = (key: keyof IWorkspaceDraft) => (event: React.ChangeEvent<any>) =>
    setDraft({ ...draft, [key]: event.target.value });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length) {
      return;
    }
    const out: IWorkspaceDraft = { ...draft };
    if (draft.kind === 'mlflow') {
      if (auth !== 'token') {
        delete out.token;
      }
      if (auth !== 'basic') {
        out.username = '';
        delete out.password;
      }
      out.remove_secrets =
        auth === 'none' && (editor.hasToken || editor.hasPassword);
    }
    onSave(out);
  };

  const field = (
    key: keyof IWorkspaceDraft,
    label: string,
    options: { type?: string; placeholder?: string; required?: boolean } = {}
  ) => {
    const id = `jp-mlflow-form-${key}`;
    const error = touched ? errors[key] : undefined;
    return (
      <div className="jp-mlflow-FormField">
        <label htmlFor={id}>
          {label}
          {options.required && <span aria-hidden="true"> *</span>}
        </label>
        <input
          id={id}
          className="jp-mod-styled"
          type={options.type ?? 'text'}
          value={(draft[key] as string | undefined) ?? ''}
          placeholder={options.placeholder}
          autoComplete={options.type === 'password' ? 'new-password' : 'off'}
          spellCheck={false}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={set(key)}
        />
        {error && (
          <div id={`${id}-error`} className="jp-mlflow-FormError">
            {error}
          </div>
        )}
      </div>
    );
  };

  const keepHint = trans.__('saved — leave empty to keep');
  return (
    <form
      className="jp-mlflow-WorkspaceForm"
      aria-label={
        editor.mode === 'add'
          ? trans.__('Add workspace')
          : trans.__('Edit workspace')
      }
      onSubmit={submit}
      onKeyDown={event => event.key === 'Escape' && onCancel()}
    >
      <h3>
        {editor.mode === 'add'
          ? trans.__('Add workspace')
          : trans.__('Edit workspace')}
      </h3>
      <div className="jp-mlflow-FormField">
        <label htmlFor="jp-mlflow-form-kind">{trans.__('Kind')}</label>
        <select
          id="jp-mlflow-form-kind"
          className="jp-mod-styled"
          value={draft.kind}
          disabled={editor.mode === 'edit'}
          onChange={set('kind')}
        >
          <option value="mlflow">{trans.__('MLflow tracking server')}</option>
          <option value="azureml">
            {trans.__('Azure Machine Learning workspace')}
          </option>
        </select>
      </div>
      {field('name', trans.__('Name'), { required: true })}
      {draft.kind === 'mlflow' ? (
        <>
          {field('url', trans.__('Tracking URL'), {
            required: true,
            placeholder: 'https://mlflow.example.com'
          })}
          <div className="jp-mlflow-FormField">
            <label htmlFor="jp-mlflow-form-auth">
              {trans.__('Authentication')}
            </label>
            <select
              id="jp-mlflow-form-auth"
              className="jp-mod-styled"
              value={auth}
              onChange={event => setAuth(event.target.value as AuthMode)}
            >
              <option value="none">{trans.__('None')}</option>
              <option value="token">{trans.__('Token (Bearer)')}</option>
              <option value="basic">{trans.__('Username and password')}</option>
            </select>
          </div>
          {auth === 'token' &&
            field('token', trans.__('Token'), {
              type: 'password',
              placeholder: editor.hasToken ? keepHint : ''
            })}
          {auth === 'basic' && (
            <>
              {field('username', trans.__('Username'), { required: true })}
              {field('password', trans.__('Password'), {
                type: 'password',
                placeholder: editor.hasPassword ? keepHint : ''
              })}
            </>
          )}
          {field(
            'mlflow_workspace',
            trans.__('MLflow workspace (MLflow 3.10+, optional)')
          )}
        </>
      ) : (
        <>
          {field('subscription_id', trans.__('Subscription ID'), {
            required: true
          })}
          {field('resource_group', trans.__('Resource group'), {
            required: true
          })}
          {field('workspace_name', trans.__('Workspace name'), {
            required: true
          })}
          {field('region', trans.__('Region'), {
            required: true,
            placeholder: 'westeurope'
          })}
          {field('tenant_id', trans.__('Tenant ID (optional)'))}
        </>
      )}
      {editor.error && (
        <div className="jp-mlflow-Notice jp-mod-error" role="alert">
          {editor.error}
        </div>
      )}
      <div className="jp-mlflow-Actions">
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={editor.saving}
        >
          {editor.saving ? trans.__('Saving…') : trans.__('Save')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={onCancel}
        >
          {trans.__('Cancel')}
        </button>
      </div>
    </form>
  );
}
