/** The simulator's fixed ports, which config/demo.yaml points at. */
export interface SimulatorPorts {
  admin: number;
  gui: number;
  api: number;
  han: number;
  ftps: number;
  sftp: number;
}

export const DEFAULT_SIMULATOR_PORTS: SimulatorPorts = { admin: 9920, gui: 9921, api: 9922, han: 9923, ftps: 9924, sftp: 9925 };
