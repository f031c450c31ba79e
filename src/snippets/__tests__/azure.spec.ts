import {
  AZURE_PIP_HINT,
  IAzureWorkspace,
  azureCloudForRegion,
  azureConfigJsonCell,
  azureSetupCell,
  azureTrackingUri,
  normalizeAzureRegion,
  parseAzureConfigJson,
  validateAzureWorkspace
} from '../azure';
import { pyStr } from '../pyliteral';

const SUB = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const TENANT = '11111111-2222-4333-8444-555555555555';
const WS: IAzureWorkspace = {
  subscriptionId: SUB,
  resourceGroup: 'rg-ml.team(1)',
  workspaceName: 'ws-demo_1',
  region: 'westeurope'
};
const SCOPE = `/subscriptions/${SUB}/resourceGroups/rg-ml.team(1)/providers/Microsoft.MachineLearningServices/workspaces/ws-demo_1`;

describe('azureTrackingUri', () => {
  it('builds the ARM mlFlowTrackingUri form for the public cloud', () => {
    expect(azureTrackingUri(WS)).toBe(
      `azureml://westeurope.api.azureml.ms/mlflow/v1.0${SCOPE}`
    );
  });

  it.each([
    ['usgovvirginia', 'usgovvirginia.api.ml.azure.us'],
    ['usdodeast', 'usdodeast.api.ml.azure.us'],
    ['chinaeast2', 'chinaeast2.api.ml.azure.cn'],
    ['East US', 'eastus.api.azureml.ms']
  ])('region %s → host %s', (region, host) => {
    expect(azureTrackingUri({ ...WS, region })).toBe(
      `azureml://${host}/mlflow/v1.0${SCOPE}`
    );
  });

  it('percent-encodes what cannot stand in a URI path, and ignores the tenant', () => {
    const uri = azureTrackingUri({
      ...WS,
      resourceGroup: 'rg/x y',
      workspaceName: 'ws?a#b',
      tenantId: TENANT
    });
    expect(uri).toContain('/resourceGroups/rg%2Fx%20y/');
    expect(uri).toMatch(/\/workspaces\/ws%3Fa%23b$/);
    expect(uri).not.toContain(TENANT);
  });
});

describe('azureCloudForRegion / normalizeAzureRegion', () => {
  it.each([
    ['westeurope', 'AzureCloud'],
    ['usgovarizona', 'AzureUSGovernment'],
    ['USDoD Central', 'AzureUSGovernment'],
    ['chinanorth3', 'AzureChinaCloud']
  ])('%s is in %s', (region, cloud) => {
    expect(azureCloudForRegion(region)).toBe(cloud);
  });

  it('lower-cases and drops spaces', () => {
    expect(normalizeAzureRegion(' West  Europe ')).toBe('westeurope');
  });
});

describe('parseAzureConfigJson', () => {
  it('reads the file Azure ML studio downloads', () => {
    const text = JSON.stringify({
      subscription_id: SUB,
      resource_group: 'rg-ml.team(1)',
      workspace_name: 'ws-demo_1'
    });
    expect(parseAzureConfigJson(text)).toEqual({ ...WS, region: '' });
  });

  it('reads location (or region) and tenant_id when present, and a BOM', () => {
    const text =
      '\ufeff' +
      JSON.stringify({
        subscription_id: ` ${SUB} `,
        resource_group: 'rg-ml.team(1)',
        workspace_name: 'ws-demo_1',
        location: 'West Europe',
        tenant_id: TENANT
      });
    expect(parseAzureConfigJson(text)).toEqual({ ...WS, tenantId: TENANT });
    const withRegion = JSON.stringify({
      subscription_id: SUB,
      resource_group: 'r',
      workspace_name: 'w',
      region: 'eastus'
    });
    expect(parseAzureConfigJson(withRegion)).toMatchObject({
      region: 'eastus'
    });
  });

  it('reads the Scope form azure-ai-ml accepts', () => {
    expect(parseAzureConfigJson(JSON.stringify({ Scope: SCOPE }))).toEqual({
      ...WS,
      region: ''
    });
  });

  it.each([
    ['{', /^config\.json is not valid JSON: /],
    ['[]', /^config\.json must hold a JSON object\.$/],
    ['"x"', /^config\.json must hold a JSON object\.$/],
    ['null', /^config\.json must hold a JSON object\.$/],
    [
      '{}',
      /^config\.json lacks subscription_id, resource_group, workspace_name\.$/
    ],
    [
      JSON.stringify({ subscription_id: SUB, workspace_name: 'w' }),
      /^config\.json lacks resource_group\.$/
    ],
    [
      JSON.stringify({
        subscription_id: SUB,
        resource_group: 'r',
        workspace_name: '  '
      }),
      /^config\.json lacks workspace_name\.$/
    ],
    [
      JSON.stringify({
        subscription_id: 42,
        resource_group: 'r',
        workspace_name: 'w'
      }),
      /^config\.json: "subscription_id" must be a string\.$/
    ],
    [
      JSON.stringify({ Scope: '/subscriptions/x' }),
      /^config\.json: "Scope" is not a workspace id/
    ]
  ])('rejects %s', (text, message) => {
    const parsed = parseAzureConfigJson(text);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

describe('validateAzureWorkspace', () => {
  it('accepts a good workspace, with or without a tenant', () => {
    expect(validateAzureWorkspace(WS)).toEqual({});
    expect(validateAzureWorkspace({ ...WS, tenantId: TENANT })).toEqual({});
    expect(validateAzureWorkspace({ ...WS, tenantId: '' })).toEqual({});
    expect(
      validateAzureWorkspace({ ...WS, resourceGroup: 'Équipe_(ML)' })
    ).toEqual({});
  });

  it('names every missing field', () => {
    expect(Object.keys(validateAzureWorkspace({})).sort()).toEqual([
      'region',
      'resourceGroup',
      'subscriptionId',
      'workspaceName'
    ]);
    expect(validateAzureWorkspace({}).subscriptionId).toBe(
      'Subscription ID is required.'
    );
  });

  it.each<[Partial<IAzureWorkspace>, string, RegExp]>([
    [{ subscriptionId: 'not-a-guid' }, 'subscriptionId', /must be a GUID/],
    [{ tenantId: 'contoso' }, 'tenantId', /must be a GUID/],
    [{ resourceGroup: 'rg.' }, 'resourceGroup', /not ending in '\.'/],
    [{ resourceGroup: 'rg"x' }, 'resourceGroup', /1–90 letters/],
    [{ resourceGroup: 'r'.repeat(91) }, 'resourceGroup', /1–90/],
    [{ workspaceName: 'w' }, 'workspaceName', /2–33/],
    [
      { workspaceName: '-ws' },
      'workspaceName',
      /starting with a letter or digit/
    ],
    [{ workspaceName: 'ws.x' }, 'workspaceName', /2–33/],
    [{ workspaceName: 'w'.repeat(34) }, 'workspaceName', /2–33/],
    [{ workspaceName: 'ws\n' + 'x' }, 'workspaceName', /2–33/],
    [
      { region: 'East US' },
      'region',
      /^Use the short region name: "eastus"\.$/
    ],
    [{ region: 'west-europe' }, 'region', /short lower-case name/]
  ])('%j: %s', (patch, field, message) => {
    const errors = validateAzureWorkspace({ ...WS, ...patch });
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toMatch(message);
  });
});

/** Top-level `NAME = <literal>` lines of a cell. */
function assignments(cell: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of cell.split('\n')) {
    const m = /^([A-Z_]+) = (.*)$/.exec(line);
    if (m) {
      out[m[1]] = m[2];
    }
  }
  return out;
}

describe('azureSetupCell (SDK v2)', () => {
  const cell = azureSetupCell('azure-v2', WS, { experimentName: 'exp' });

  it('puts every value in one literal assignment', () => {
    expect(assignments(cell)).toEqual({
      SUBSCRIPTION_ID: pyStr(SUB),
      RESOURCE_GROUP: pyStr('rg-ml.team(1)'),
      WORKSPACE_NAME: pyStr('ws-demo_1'),
      TENANT_ID: 'None',
      CLOUD: pyStr('AzureCloud'),
      EXPERIMENT_NAME: pyStr('exp'),
      PANEL_TRACKING_URI: pyStr(azureTrackingUri(WS))
    });
    expect(cell.split(SUB).length).toBe(3); // the assignment and the URI, nowhere else
  });

  it('checks its packages with a one-line install hint', () => {
    expect(AZURE_PIP_HINT['azure-v2']).toBe(
      '%pip install azure-ai-ml azure-identity azureml-mlflow'
    );
    expect(cell).toContain(
      'for _module, _package in (\n    ("mlflow", "mlflow"),\n    ("azureml.mlflow", "azureml-mlflow"),\n    ("azure.ai.ml", "azure-ai-ml"),\n    ("azure.identity", "azure-identity"),\n):'
    );
    expect(cell).toContain(
      '+ ". Run:  %pip install azure-ai-ml azure-identity azureml-mlflow  then restart the kernel."'
    );
    expect(cell.indexOf('raise ImportError(')).toBeLessThan(
      cell.indexOf('from azure.ai.ml import')
    );
  });

  it('builds MLClient offline, then asks Azure for the URI and sets it', () => {
    const order = [
      'os.environ["AZUREML_CURRENT_CLOUD"] = CLOUD',
      'import azureml.mlflow',
      'from azure.ai.ml import MLClient',
      'def _azureml_mlflow_warnings():',
      '    credential = DefaultAzureCredential()',
      'ml_client = MLClient(\n    credential,\n    subscription_id=SUBSCRIPTION_ID,\n    resource_group_name=RESOURCE_GROUP,\n    workspace_name=WORKSPACE_NAME,\n    cloud=CLOUD,\n)',
      'tracking_uri = ml_client.workspaces.get(WORKSPACE_NAME).mlflow_tracking_uri',
      'mlflow.set_tracking_uri(tracking_uri)',
      '    mlflow.set_experiment(EXPERIMENT_NAME)'
    ].map(s => {
      const at = cell.indexOf(s);
      expect(at).toBeGreaterThan(-1);
      return at;
    });
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('signs in to the given tenant only, and to the sovereign authority', () => {
    expect(cell).toContain('AzureCliCredential(tenant_id=TENANT_ID)');
    expect(cell).toContain('InteractiveBrowserCredential(tenant_id=TENANT_ID)');
    const gov = azureSetupCell(
      'azure-v2',
      { ...WS, region: 'usgovvirginia', tenantId: TENANT },
      {}
    );
    expect(assignments(gov).CLOUD).toBe('"AzureUSGovernment"');
    expect(assignments(gov).TENANT_ID).toBe(pyStr(TENANT));
    expect(gov).toContain(
      'DefaultAzureCredential(authority=AzureAuthorityHosts.AZURE_GOVERNMENT)'
    );
    expect(gov).toContain(
      'InteractiveBrowserCredential(tenant_id=TENANT_ID, authority=AzureAuthorityHosts.AZURE_GOVERNMENT),'
    );
    const cn = azureSetupCell('azure-v2', { ...WS, region: 'chinaeast2' }, {});
    expect(cn).toContain('authority=AzureAuthorityHosts.AZURE_CHINA');
  });

  it('warns about the known-bad MLflow / azureml-mlflow pairs', () => {
    expect(cell).toContain('if mlflow_version.major >= 3:');
    expect(cell).toContain('/api/2.0/mlflow/logged-models');
    expect(cell).toContain(
      'mlflow_version >= Version("3.1.2") and plugin_version < Version("1.61")'
    );
    expect(cell).toContain('for line in requires("azureml-mlflow") or []:');
  });

  it('trims surrounding whitespace from form values', () => {
    const padded = azureSetupCell(
      'azure-v2',
      { ...WS, workspaceName: ' ws-demo_1\n', tenantId: ` ${TENANT} ` },
      {}
    );
    expect(assignments(padded).WORKSPACE_NAME).toBe('"ws-demo_1"');
    expect(assignments(padded).TENANT_ID).toBe(pyStr(TENANT));
  });

  it('omits the experiment when none is given', () => {
    const bare = azureSetupCell('azure-v2', WS, { experimentName: '  ' });
    expect(assignments(bare).EXPERIMENT_NAME).toBe('None');
  });
});

describe('azureSetupCell (SDK v1, legacy)', () => {
  const cell = azureSetupCell('azure-v1', { ...WS, tenantId: TENANT }, {});

  it('is labelled legacy with the end-of-support date', () => {
    expect(
      cell.startsWith(
        '# Azure ML workspace -> MLflow tracking, with the Azure ML SDK v1'
      )
    ).toBe(true);
    expect(cell).toContain('LEGACY');
    expect(cell).toContain(
      '"Azure ML SDK v1 is legacy: its support ended 2026-06-30."'
    );
  });

  it('uses the classic Workspace.get and get_mlflow_tracking_uri', () => {
    expect(cell).toContain('from azureml.core import Workspace');
    expect(cell).toContain(
      'ws = Workspace.get(\n    name=WORKSPACE_NAME,\n    subscription_id=SUBSCRIPTION_ID,\n    resource_group=RESOURCE_GROUP,\n    auth=auth,\n    cloud=CLOUD,\n)'
    );
    expect(cell).toContain('tracking_uri = ws.get_mlflow_tracking_uri()');
    expect(cell).toContain('mlflow.set_tracking_uri(tracking_uri)');
    expect(cell).toContain(
      'InteractiveLoginAuthentication(tenant_id=TENANT_ID, cloud=CLOUD)'
    );
    expect(cell).not.toContain('from_config');
    expect(cell).not.toContain('write_config');
  });

  it('has its own install hint', () => {
    expect(cell).toContain(
      '+ ". Run:  %pip install azureml-core azureml-mlflow  then restart the kernel."'
    );
    expect(cell).toContain('    ("azureml.core", "azureml-core"),');
  });

  it('takes a service principal only from the environment', () => {
    expect(cell).toContain(
      '_sp = [os.environ.get(v) for v in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")]'
    );
    expect(cell).not.toMatch(/password\s*=\s*"/);
  });
});

describe('hostile values', () => {
  const hostile: IAzureWorkspace = {
    subscriptionId: 'x"); import os; os.system("id") #',
    resourceGroup: "rg'\n__import__('os')\r\\",
    workspaceName: 'ws"""\u202e\u2066{x}\u2028%s\u0000',
    region: 'eastus\n',
    tenantId: 't\u200b\ufeff\u0085"'
  };

  it.each(['azure-v2', 'azure-v1'] as const)(
    '%s: only inside literals',
    variant => {
      const benign = azureSetupCell(
        variant,
        { ...WS, region: 'eastus', tenantId: TENANT },
        {
          experimentName: 'e'
        }
      );
      const cell = azureSetupCell(variant, hostile, { experimentName: 'e\n"' });
      // Same lines, apart from the seven assignments.
      const strip = (c: string) =>
        c.split('\n').filter(l => !/^[A-Z_]+ = /.test(l));
      expect(strip(cell)).toEqual(strip(benign));
      expect(cell.split('\n').length).toBe(benign.split('\n').length);
      const a = assignments(cell);
      expect(a.SUBSCRIPTION_ID).toBe(pyStr(hostile.subscriptionId));
      expect(a.RESOURCE_GROUP).toBe(pyStr(hostile.resourceGroup));
      expect(a.WORKSPACE_NAME).toBe(pyStr(hostile.workspaceName));
      expect(a.TENANT_ID).toBe(pyStr(hostile.tenantId as string));
      expect(a.EXPERIMENT_NAME).toBe(pyStr('e\n"'));
      const raw = /[\u0000\u0085\u200b\u2028\u202e\u2066\ufeff\r]/; // eslint-disable-line no-control-regex
      expect(cell).not.toMatch(raw);
    }
  );

  it('config.json cell: only inside literals', () => {
    const cell = azureConfigJsonCell(hostile);
    const benign = azureConfigJsonCell(WS);
    const strip = (c: string) =>
      c.split('\n').filter(l => !/^ {4}"\w+": /.test(l));
    expect(strip(cell)).toEqual(strip(benign));
    expect(cell).toContain(
      `    "subscription_id": ${pyStr(hostile.subscriptionId)},`
    );
    expect(cell).toContain(
      `    "workspace_name": ${pyStr(hostile.workspaceName)},`
    );
  });
});

describe('azureConfigJsonCell', () => {
  const cell = azureConfigJsonCell({ ...WS, tenantId: TENANT });

  it('writes the three keys both SDKs read, with json.dump, and no tenant', () => {
    expect(cell).toContain(
      `config = {\n    "subscription_id": ${pyStr(SUB)},\n    "resource_group": "rg-ml.team(1)",\n    "workspace_name": "ws-demo_1",\n}`
    );
    expect(cell).toContain('json.dump(config, f, indent=2)');
    expect(cell).toContain('path = os.path.abspath("config.json")');
    expect(cell).not.toContain(TENANT);
  });

  it('never overwrites a config.json for another workspace', () => {
    expect(cell).toContain('raise FileExistsError(');
  });
});
